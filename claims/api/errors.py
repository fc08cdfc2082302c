"""One JSON shape for every API error:

    {"error": "<code>", "detail": "<sentence for a person>", "fields": {"<field>": ["..."]}}

`fields` appears on validation errors only; a 409 adds `existing_url`, a 429 `retry_after`.
The codes are DRF's; the sentences are the desk's, saying what the endpoint takes instead.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from articles.intake.storable import key_shown

logger = logging.getLogger(__name__)

SERVER_ERROR = {
    "error": "server_error",
    "detail": "Something went wrong on our side; nothing was changed. Try again later.",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"

    def __init__(self, detail=None, *, fields=None):
        super().__init__(detail)
        self.fields = fields


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is malformed (too many parameters, or a bad header)."
    default_code = "bad_request"


BAD_REQUEST = {"error": BadRequest.default_code, "detail": BadRequest.default_detail}

# Answered by claims.api.base.api_conditional_page, outside DRF (Django compares the validators
# once the answer is rendered), so it is spelled here in the same shape.
PRECONDITION_FAILED = {
    "error": "precondition_failed",
    "detail": "This resource no longer matches the If-Match or If-Unmodified-Since header you "
    "sent: it has changed since you read it. Fetch it again for the current version.",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This resource already exists."
    default_code = "duplicate"

    def __init__(self, detail=None, *, existing_url: str | None):
        super().__init__(detail)
        self.existing_url = existing_url


def _listed(items: list[str], *, last: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def method_not_allowed_detail(method: str, allowed: list[str]) -> str:
    return f"This endpoint does not take {key_shown(method)}: send {_listed(allowed)}."


def not_acceptable_detail(media_types: list[str]) -> str:
    only = " only" if len(media_types) == 1 else ""
    return (
        f"This endpoint answers in {_listed(media_types)}{only}: ask for it in the Accept "
        "header, or send no Accept header."
    )


def unsupported_media_type_detail(media_type: str) -> str:
    sent = f'as "{key_shown(media_type)}"' if media_type else "without a Content-Type"
    return (
        f"The body was sent {sent}, which this endpoint does not read: send the body as JSON, "
        "with Content-Type: application/json."
    )


def throttled_detail(wait: int | None) -> str:
    if wait is None:  # more requests counted than the rate allows: DRF gives no time then
        return "Too many requests: wait a minute, then try again more slowly."
    seconds = "1 second" if wait == 1 else f"{wait:,} seconds"
    return f"Too many requests: try again in {seconds} (the Retry-After header says the same)."


def _plain_detail(exc, context) -> str:
    """DRF's sentences ('Method "POST" not allowed.', 'Request was throttled. Expected
    available in 59 seconds.') say what failed, not what the endpoint takes instead."""
    view, request = context.get("view"), context.get("request")
    if isinstance(exc, exceptions.MethodNotAllowed) and request is not None:
        return method_not_allowed_detail(request.method, list(getattr(view, "allowed_methods", [])))
    if isinstance(exc, exceptions.NotAcceptable) and exc.available_renderers:
        types = dict.fromkeys(renderer.media_type for renderer in exc.available_renderers)
        return not_acceptable_detail(list(types))
    if isinstance(exc, exceptions.UnsupportedMediaType) and request is not None:
        return unsupported_media_type_detail(request.content_type or "")
    if isinstance(exc, exceptions.Throttled):
        return throttled_detail(exc.wait)
    return str(exc.detail)


def _codes(exc) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def django_errors_to_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                message for item in items for message in item.messages
            ]
            for field, items in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def not_found_detail(view) -> str:
    """The sentence for a 404 inside an endpoint. Django's own ("No IntakeJob matches the given
    query.") names a class, not a thing a client asked for. The same words whether the row is
    missing or only not this key's to read: a draft verdict must look like no verdict."""
    queryset = getattr(view, "queryset", None)
    if queryset is None and hasattr(view, "get_queryset"):
        try:
            queryset = view.get_queryset()
        except Exception:  # a 404 is answered whatever the queryset needs
            queryset = None
    model = getattr(queryset, "model", None)
    if model is None:
        return "Not found."
    return f"There is no such {model._meta.verbose_name}."


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # The limit, so a client cutting its article down knows by how much.
        exc = PayloadTooLarge(
            f"The request body is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} "
            f"bytes, and an article's text at most {settings.ARTICLE_MAX_CHARS:,} characters."
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors_to_fields(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(not_found_detail(context.get("view")))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, SuspiciousOperation):
        # Django's refusals of a request's shape (more query parameters than
        # DATA_UPLOAD_MAX_NUMBER_FIELDS, first read inside the view) are the client's error;
        # its message names a setting, so a fixed sentence goes back instead.
        path = getattr(context.get("request"), "path", "?")
        logger.warning("Refused a malformed API request to %s: %s", path, exc)
        exc = BadRequest()

    response = exception_handler(exc, context)
    if response is None:
        # An unexpected error: the details go to the log, the client gets the usual JSON shape.
        request = context.get("request")
        logger.error("Unhandled API error on %s", getattr(request, "path", "?"), exc_info=exc)
        set_rollback()
        return Response(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"error": "invalid", "detail": "The request has invalid fields.", "fields": fields}
    else:
        body = {"error": _codes(exc), "detail": _plain_detail(exc, context)}
    if isinstance(exc, PayloadTooLarge) and exc.fields:
        body["fields"] = exc.fields
    if isinstance(exc, Conflict) and exc.existing_url:
        body["existing_url"] = exc.existing_url
    if isinstance(exc, exceptions.Throttled):
        body["retry_after"] = exc.wait and int(exc.wait + 0.999)
    response.data = body
    set_rollback()
    return response


def bad_request(request, exception=None, *args, **kwargs):
    """handler400: JSON under /api/ (a Host header not in ALLOWED_HOSTS, refused before any
    view), the site's HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(BAD_REQUEST, status=400)
    return defaults.bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """handler500: JSON under /api/ (an error outside the API views, e.g. in a middleware),
    the site's HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(SERVER_ERROR, status=500)
    return defaults.server_error(request, *args, **kwargs)
