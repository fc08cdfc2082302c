"""GET /api/v1/: what the API offers, for a client (or a person) that starts at its root. It was
a 404, "No API endpoint at /api/v1/.", which sent whoever tried the root to guess the paths."""

from urllib.parse import unquote

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from . import docs
from .base import StrictQueryMixin

# What an {id} in an endpoint's URL stands for: the router's lookup, filled in by the client.
ID_PLACEHOLDER = "{id}"

ENDPOINT = inline_serializer(
    "ApiEndpoint",
    fields={
        "url": serializers.CharField(
            help_text="The absolute URL; `{id}` stands for the id of the row to read."
        ),
        "methods": serializers.ListField(child=serializers.CharField()),
        "key_required": serializers.BooleanField(
            help_text="false where the endpoint also answers without a key (published verdicts)."
        ),
    },
)
INDEX = inline_serializer(
    "ApiIndex",
    fields={
        "endpoints": serializers.DictField(
            child=ENDPOINT, help_text="Each endpoint by its name, such as `verdict-list`."
        ),
        "docs_url": serializers.URLField(help_text="The API's documentation, for a browser."),
        "schema_url": serializers.URLField(help_text="The OpenAPI document (YAML, or JSON)."),
    },
)


def api_endpoints(router: SimpleRouter) -> list[tuple[str, str, list[str], bool]]:
    """(name, path, methods, key_required) of every route the router gives, in its order:
    read from the router itself, so an endpoint added to urls.py is listed with no change here."""
    endpoints = []
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            methods = router.get_method_map(viewset, route.mapping)
            if not methods:
                continue  # a route the viewset has no action for (a list without `list`)
            name = route.name.format(basename=basename)
            kwargs = {"pk": ID_PLACEHOLDER} if "{lookup}" in route.url else {}
            path = unquote(reverse(f"api:{name}", kwargs=kwargs))
            anonymous = getattr(viewset, "anonymous_reads", False) and set(methods) == {"get"}
            endpoints.append((name, path, sorted(m.upper() for m in methods), not anonymous))
    return endpoints


class ApiIndex(StrictQueryMixin, APIView):
    # Public, as the documentation and the schema are (drf-spectacular's SERVE_PERMISSIONS,
    # AllowAny): the index says no more than they do. A bad key is still a 401.
    permission_classes = [AllowAny]
    action = "index"  # StrictQueryMixin's: it takes no parameter but `format`
    router: SimpleRouter = None  # given by urls.py, which owns it

    @extend_schema(
        summary="The API's endpoints, with links to its documentation and schema",
        description="Every endpoint's absolute URL, its methods and whether it needs a key.",
        responses=docs.with_errors(INDEX),
        auth=docs.OPTIONAL_AUTH,
    )
    def get(self, request):
        absolute = request.build_absolute_uri
        return Response(
            {
                "endpoints": {
                    name: {
                        # Built whole, then the placeholder restored: build_absolute_uri quotes
                        # the braces as %7B...%7D.
                        "url": unquote(absolute(path)),
                        "methods": methods,
                        "key_required": key_required,
                    }
                    for name, path, methods, key_required in api_endpoints(self.router)
                },
                "docs_url": absolute(reverse("api-docs")),
                "schema_url": absolute(reverse("api-schema")),
            }
        )
