"""The claims admin, one module per part of the desk. Every save that changes the record goes
through the same services as the desk and the API."""

from . import articles, base, claims, corrections, speakers, tokens, verdicts  # noqa: F401 (each registers its admins)
