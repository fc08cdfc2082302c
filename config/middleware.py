"""Request guards that sit in front of code we do not own, and the headers every page gets."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

from .form_encoding import unreadable_form_fields

logger = logging.getLogger(__name__)


class RequestShapeGuardMiddleware:
    """A desk request whose form is too large to read (DATA_UPLOAD_MAX_MEMORY_SIZE) is a 413
    page saying nothing was saved, from the view's own answer where it has one (the paste form
    says its text is too long: answers_too_large); one with more fields than Django reads
    (DATA_UPLOAD_MAX_NUMBER_FIELDS) the desk's 400 page. Django's answer was its 400 page,
    which offers a log-in to someone logged in (it is drawn without the request), or with DEBUG
    on (development) its debug page, which failed on too many fields itself: a 500. Read here,
    before the admin's guards and the CSRF check read them. The API reads its own bodies and
    answers in JSON (claims.api.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        try:
            request.GET  # noqa: B018 (parsed here to be refused here)
            if request.method == "POST":
                request.POST  # noqa: B018
        except RequestDataTooBig:
            logger.warning("Refused a body too large to read on %s", request.path_info)
            return _too_large_answer(request)
        except TooManyFieldsSent:
            logger.warning("Refused a request with too many fields on %s", request.path_info)
            return render(request, "400.html", status=400)
        return self.get_response(request)


def answers_too_large(answer):
    """Marks a view whose own page (`answer`, a view: it checks its own permissions) answers
    a body too large to read, in place of the desk's 413 page."""

    def mark(view):
        view.too_large_answer = answer
        return view

    return mark


def _too_large_answer(request):
    try:
        answer = getattr(resolve(request.path_info).func, "too_large_answer", None)
    except Resolver404:
        answer = None
    if answer is not None:
        return answer(request)
    context = {
        "most_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "most_chars": settings.ARTICLE_MAX_CHARS,
    }
    return render(request, "413.html", context, status=413)


class AdminInputGuardMiddleware:
    """Two inputs the Django admin hands to the database unchecked, which answers with an error
    (a 500): a NUL character in a list filter or search (PostgreSQL refuses it; no admin URL
    takes one), and a row id of the wrong type in a change-list action's `_selected_action`
    (the admin filters `pk__in` with it). Both are a 400 here that says what is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            refusal = _nul_refusal(request) or _selected_rows_refusal(request)
            if refusal:
                # Plain text: the refusal quotes what was sent, and this runs before the CSRF
                # check, so as HTML a page elsewhere could post a script here and have it run.
                return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _nul_refusal(request) -> str | None:
    if any(
        "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
    ):
        return "A query parameter holds a NUL character."
    return None


def _selected_rows_refusal(request) -> str | None:
    if request.method != "POST" or "_selected_action" not in request.POST:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    model_admin = getattr(match.func, "model_admin", None)  # set on every ModelAdmin URL
    if model_admin is None or not (match.url_name or "").endswith("_changelist"):
        return None
    model = model_admin.model
    for value in request.POST.getlist("_selected_action"):
        try:
            model._meta.pk.to_python(value)
        except ValidationError:
            return f"{value[:40]!r} is not a row id of {model._meta.verbose_name_plural}."
    return None


class FormEncodingGuardMiddleware:
    """An admin form whose bytes are not UTF-8 is a 400 that says so. Django decodes such a
    field with replacement characters, and the admin would store "\ufffd" for good. The desk's
    own forms run the same check per field (config.form_encoding.refuse_unreadable) and show the
    error beside the field with the rest of the input kept. Plain text, as the admin guard's:
    this runs before the CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            fields = sorted(unreadable_form_fields(request))
            if fields:
                return HttpResponseBadRequest(
                    f"The form field {fields[0][:100]!r} is not valid UTF-8: save the text as "
                    "UTF-8 and send it again.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """The CONTENT_SECURITY_POLICY header on every response that does not set its own: a second
    line behind escaping, should some text ever reach a page as markup. Empty: no header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class SignedInPagesNotStoredMiddleware:
    """A page answered to a signed-in person is kept by no cache: the desk's pages hold
    unpublished claims, drafts and research notes, which a shared cache must not keep and a
    shared newsroom computer's browser must not show again after log-out (the admin does the
    same with never_cache). Pages that say how to cache themselves, and the API (keys, not
    sessions), are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not request.path_info.startswith("/api/")
            and "Cache-Control" not in response
            and request.user.is_authenticated
        ):
            add_never_cache_headers(response)
        return response
