"""The OpenAPI document /api/schema/ serves (and /api/docs/ reads), generated once per process.

Generating it walks every view and serializer: about a hundred milliseconds of CPU on each
request, for a document that changes only when the code, the settings or the desk's ratings
do. The code cannot change under a running process, a change of settings (a test's override)
empties the cache, and the ratings are part of the key: they are read on each request (one
small query), so a rating added in the admin is listed at once, by every process. The cache is
this process's memory, not Django's shared cache, so a process never serves a document that
another version of the code generated.
"""

import threading

from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from .serializers import rating_slugs

# A document per key; `?version=` and `?lang=` are the client's to choose, so the keys are too:
# past this many the cache starts again rather than grow without bound.
SCHEMAS_KEPT = 8
_schemas: dict[tuple, dict] = {}
_lock = threading.Lock()


@receiver(setting_changed)
def _schemas_forgotten(**kwargs):
    with _lock:
        _schemas.clear()


def _key(*, api_version, public: bool, slugs) -> tuple:
    return (api_version, translation.get_language(), public, tuple(slugs))


class CachedSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator for the project's own urlconf, its documents kept. One is
    shared by every request, whoever asks: nothing in it depends on the key or the account
    (tests/claims/test_api_schema_cache.py), so it is generated without the request."""

    def get_schema(self, request=None, public=False):
        if self.urlconf is not None or self.patterns is not None:
            return super().get_schema(request=request, public=public)
        try:
            slugs = rating_slugs()
        except DatabaseError:
            return super().get_schema(request=request, public=public)
        key = _key(api_version=self.api_version, public=public, slugs=slugs)
        schema = _schemas.get(key)
        if schema is not None:
            return schema
        with _lock:  # one generation at a time: a burst of first requests waits for one
            schema = _schemas.get(key)
            if schema is None:
                schema = super().get_schema(request=None, public=public)
                # Kept under the ratings the document lists, which a rating saved while it
                # was generated may have made other than those read above.
                listed = schema["components"]["schemas"].get("RatingSlugEnum", {}).get("enum", [])
                if len(_schemas) >= SCHEMAS_KEPT:
                    _schemas.clear()
                _schemas[_key(api_version=self.api_version, public=public, slugs=listed)] = schema
        return schema
