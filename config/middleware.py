"""Request guards that sit in front of code we do not own."""

from django.http import HttpResponseBadRequest


class AdminNulGuardMiddleware:
    """The admin's list filters and search hand query values to PostgreSQL, which refuses a NUL
    character with an error (a 500). No admin URL takes one, so it is a 400 here instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest("A query parameter holds a NUL character.")
        return self.get_response(request)
