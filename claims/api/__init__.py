"""The REST API under /api/v1/: tokens, read endpoints, article submission (see urls.py)."""
