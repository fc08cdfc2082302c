"""Date formats where a template gives none: Django's admin. FORMAT_MODULE_PATH points here."""
