"""The 404 page. A desk page's missing row (a claim, a speaker, an intake job, ...) is told in
the desk's words with a way back to its list; every other 404, the public pages' included,
keeps the public page's words, so an unpublished fact-check reads exactly as a missing one."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


class DeskNotFound(Http404):
    """Raised by a desk view, past its permission check, for a row that is not there."""

    def __init__(self, message: str, *, back: str, back_label: str):
        super().__init__(message)
        self.message, self.back, self.back_label = message, back, back_label


def desk_get_or_404(queryset, *, message: str, back: str, back_label: str, **lookup):
    """`queryset`'s row matching `lookup` (`pk=...`, `slug=...`), or a DeskNotFound saying
    `message` (`back` is a URL name)."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise desk_not_found(message, back=back, back_label=back_label) from None


def desk_not_found(message: str, *, back: str, back_label: str) -> DeskNotFound:
    """The DeskNotFound to raise where the missing row is found out otherwise than by a get."""
    return DeskNotFound(message, back=reverse(back), back_label=back_label)


def page_not_found(request, exception):
    if isinstance(exception, DeskNotFound):
        context = {"message": exception.message, "back": exception.back}
        context["back_label"] = exception.back_label
        return render(request, "desk_404.html", context, status=404)
    return defaults.page_not_found(request, exception)
