"""What the OpenAPI schema tells clients in its descriptions: text written for them, never the
notes the code keeps for its readers (docstrings of serializers, views and mixins)."""

import inspect
import re

import pytest

from articles.services import ARTICLE_MIN_WORDS
from claims.api import article_serializers, articles, base, serializers, views
from tests.api_clients import openapi_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

# Words of the code, not of the API: a client has no service, queryset or helper to call.
INTERNAL_WORDS = re.compile(
    r"\b(services?|querysets?|helpers?|serializers?|mixins?|docstrings?|schema)\b(?!\.org)", re.I
)


def _operations(schema: dict) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if isinstance(operation, dict)
    }


def _described(schema: dict) -> dict[str, str]:
    """Every component's and operation's description, by name."""
    found = {
        name: component["description"]
        for name, component in schema["components"]["schemas"].items()
        if "description" in component
    }
    for name, operation in _operations(schema).items():
        if "description" in operation:
            found[name] = operation["description"]
    return found


def test_the_schemas_descriptions_use_no_words_of_the_code():
    leaks = {
        name: text
        for name, text in _described(openapi_document()).items()
        if INTERNAL_WORDS.search(text)
    }
    assert leaks == {}


def test_no_docstring_of_the_api_code_is_published_as_a_description():
    docstrings = {
        inspect.cleandoc(cls.__doc__)
        for module in (article_serializers, articles, base, serializers, views)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and cls.__doc__
    }
    published = set(_described(openapi_document()).values())
    assert docstrings and not docstrings & published


def test_the_submit_body_and_the_claim_group_are_described_for_clients():
    components = openapi_document()["components"]["schemas"]
    assert "`url` alone" in components["ArticleSubmitRequest"]["description"]
    body = components["ArticleSubmitRequest"]["properties"]["body"]["description"]
    assert f"at least {ARTICLE_MIN_WORDS} words" in body  # the rule the service applies
    assert "canonical group" in components["ClaimGroup"]["description"]


def test_the_unknown_parameter_rule_and_a_merged_speakers_redirect_are_told_to_clients():
    schema = openapi_document()
    # Once, in the API's own description, where a mixin's docstring said it to three operations.
    assert "400 that names it" in schema["info"]["description"]
    assert "302" in _operations(schema)["GET /api/v1/speakers/{id}/"]["description"]
