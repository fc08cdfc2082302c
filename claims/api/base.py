"""What every API endpoint does: refuse unknown parameters and methods, count every request
against its throttle, and answer errors and keyed reads with the right media type and caching."""

from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import (
    AuthenticationFailed,
    MethodNotAllowed,
    NotFound,
    ValidationError,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from articles.intake.storable import key_shown

from .auth import reads_unpublished, request_token
from .errors import PRECONDITION_FAILED
from .schema import CachedSchemaGenerator


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def unknown_parameter_message(allowed: set[str]) -> str:
    """Names every parameter the endpoint takes (the set it checks against, `format` with the
    rest), so that `?page=2` or `?since=` says what to send instead."""
    return f"Unknown parameter; this endpoint takes {', '.join(sorted(allowed))}."


class ApiAnswerMixin:
    """What every view under /api/ does, the schema's included: count each request against its
    throttle, refuse an unknown method or `format` in the API's words, and answer errors as the
    API's error JSON with the caching headers of the key that asked."""

    def count_request(self, request):
        # The key first (a bad one is a 401 whatever else is wrong), so that finalize_response
        # knows who asked however the request ends.
        try:
            self.perform_authentication(request)
        except AuthenticationFailed:
            # A bad or revoked key counts against its address's anonymous budget: DRF checks
            # throttles only after the key and the permissions pass, so a flood of refusals
            # went uncounted.
            self.check_throttles(request)
            raise
        # Every request counts, whatever it is refused for next (a method, a scope, a missing key).
        self.check_throttles(request)

    def initial(self, request, *args, **kwargs):
        self.count_request(request)
        # A method the endpoint lacks is a 405 whoever asks: checked before the scopes, so
        # that an anonymous POST to the public verdicts is not told to get a key it cannot use.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        requested_format = request.query_params.get("format")
        formats = {renderer.format for renderer in self.renderer_classes}
        if requested_format is not None and requested_format not in formats:
            raise ValidationError({"format": [f"Choose one of: {', '.join(sorted(formats))}."]})
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request):
        # Called above, as soon as the key is known, and again by DRF's initial(): once only.
        if getattr(request, "_throttles_checked", False):
            return
        request._throttles_checked = True
        super().check_throttles(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if (
            response.status_code >= 400
            and renderer is not None
            and type(renderer) is not JSONRenderer
        ):
            # An error is the API's error JSON, not a JSON-LD document without a @context nor
            # the schema's YAML.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        # What a key reads may be its own (its articles, its jobs) or, with the desk scope,
        # unpublished work: no shared cache keeps it, and a desk-scope answer no cache at all,
        # as the desk's own pages. Anonymous answers are the published record, left as they are.
        if reads_unpublished(request):
            response["Cache-Control"] = "private, no-store"
        elif request_token(request) is not None:
            response["Cache-Control"] = "private"
        # The answer (its Cache-Control, its scope) depends on the key: a shared cache must
        # not hand an anonymous copy to a keyed client, nor the other way round.
        patch_vary_headers(response, ["Authorization"])
        return response


class StrictQueryMixin(ApiAnswerMixin):
    """Refuse query parameters the endpoint does not know, so `?ratng=false` is a 400 that
    names the typo instead of an unfiltered list that looks like an answer."""

    extra_query_params: dict[str, set[str]] = {}

    def allowed_query_params(self) -> set[str]:
        allowed = {"format"} | self.extra_query_params.get(self.action, set())
        if self.action == "list":
            if getattr(self, "filterset_class", None):
                allowed |= set(self.filterset_class.base_filters)
            if self.paginator is not None:
                allowed |= self.paginator.query_params()
        return allowed

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is None:  # OPTIONS: DRF's metadata answer, which takes no parameters
            return
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        # Every endpoint takes `format` (ApiAnswerMixin checks it), so the list names it too:
        # the parameters named are exactly those accepted.
        errors = {key_shown(name): [unknown_parameter_message(allowed)] for name in unknown}
        # No parameter takes a list: `?rating=false&rating=true` would silently mean the last
        # one, which a client that meant "either" would read as the answer to its question.
        for name in sorted(set(request.query_params) - set(errors)):
            if len(request.query_params.getlist(name)) > 1:
                errors[name] = ["Give this parameter once."]
        if errors:
            raise ValidationError(errors)


# Describe the body that was not sent, not this one.
_NOT_CARRIED_TO_412 = {"content-type", "content-length", "etag", "last-modified"}


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's conditional GET, with a failed If-Match or If-Unmodified-Since answered as the
    API's error JSON: Django's own 412 is an empty text/html body without the answer's Vary and
    Cache-Control, so a shared cache could hand one key's refusal to another."""

    def process_response(self, request, response):
        answer = super().process_response(request, response)
        if answer is response or answer.status_code != 412:
            return answer
        refusal = HttpResponse(
            JSONRenderer().render(PRECONDITION_FAILED),
            status=412,
            content_type=JSONRenderer.media_type,
        )
        for header, value in response.headers.items():
            if header.lower() not in _NOT_CARRIED_TO_412:
                refusal[header] = value
        return refusal


api_conditional_page = decorator_from_middleware(ApiConditionalGetMiddleware)


class ApiNotFound(StrictQueryMixin, APIView):
    """The API's error JSON 404 for any unknown path under /api/, counted against the sender's
    budget as every other answer is, so a flood of made-up paths ends in 429 too."""

    permission_classes = []  # that a path does not exist is no secret; a bad key is still a 401

    def initial(self, request, *args, **kwargs):
        self.count_request(request)
        if _is_endpoint(f"{request.path}/"):
            # The likeliest slip of a client written by hand, and one that a bare "no
            # endpoint" leaves to be found by comparing strings.
            raise NotFound(
                f"No API endpoint at {request.path}; the paths end with a slash: {request.path}/."
            )
        raise NotFound(f"No API endpoint at {request.path}.")


def _is_endpoint(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "view_class", None) is not ApiNotFound


api_not_found = ApiNotFound.as_view()


class ApiSchemaView(ApiAnswerMixin, SpectacularAPIView):
    """The OpenAPI schema, YAML or JSON as asked; its errors the API's error JSON like every
    other answer under /api/ (drf-spectacular renders them with the schema's renderer). The
    document is generated once per process (claims/api/schema.py)."""

    generator_class = CachedSchemaGenerator
