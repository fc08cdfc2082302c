"""Cursor pagination on a stable key, so a client paging through verdicts while new ones are
published sees no row twice and misses none (new rows land before its first page)."""

import re
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

# What DRF's cursors are made of: standard base64 (b64encode), which the query string carries
# percent-encoded; the URL-safe letters too, in case a client re-encodes them.
_CURSOR = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")
# What DRF makes of a cursor with none of its keys: the first page, as if none were sent.
_NO_CURSOR = Cursor(offset=0, reverse=False, position=None)


class StableCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    # Larger requests are refused like every other bad parameter, in the words the search
    # endpoint's `limit` uses: a client asking for 500 and silently getting 100 may stop early.
    max_page_size = 100
    ordering_param = "ordering"
    # `ordering` value -> the ORDER BY; the id breaks ties so the order is total.
    orderings: dict[str, tuple[str, ...]] = {"-id": ("-id",)}
    default_ordering = "-id"
    ordering_description = "Sort order."

    def query_params(self) -> set[str]:
        names = {self.cursor_query_param, self.page_size_query_param}
        return names | ({self.ordering_param} if len(self.orderings) > 1 else set())

    def paginate_queryset(self, queryset, request, view=None):
        # DRF trusts the position inside a cursor; a forged one ("p=not-a-date") would reach
        # the database as a bad literal. Check it against the ordering field first.
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            ordering = self.get_ordering(request, queryset, view)
            name = ordering[0].lstrip("-")
            annotation = queryset.query.annotations.get(name)
            if annotation is not None:
                field = annotation.output_field
            else:
                field = queryset.model._meta.get_field(name)
            try:
                if "\x00" in cursor.position:
                    raise DjangoValidationError("NUL")
                position = field.to_python(cursor.position)
                # A date or time without a zone is no moment: Django would read it in the
                # server's zone with a warning. Our links always carry the offset.
                if isinstance(position, datetime) and timezone.is_naive(position):
                    raise DjangoValidationError("naive")
            except DjangoValidationError:
                raise ValidationError(
                    {
                        self.cursor_query_param: [
                            "Invalid cursor: use the `next` or `previous` link."
                        ]
                    }
                ) from None
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        # DRF reads a value that decodes to nothing ('', '%00') as the first page; a client
        # that sent one has a broken link and should hear so.
        if raw is not None and not _CURSOR.fullmatch(raw):
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the `next` or `previous` link."]}
            )
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
        # Nor is one that decodes to none of DRF's keys ('AAAA' is three NULs): DRF writes
        # that cursor as '', refused above, so no link of ours ever carries it.
        if raw is not None and cursor in (None, _NO_CURSOR):
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the `next` or `previous` link."]}
            )
        return cursor

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def get_ordering(self, request, queryset, view):
        value = request.query_params.get(self.ordering_param, self.default_ordering)
        if value not in self.orderings:
            raise ValidationError(
                {self.ordering_param: [f"Choose one of: {', '.join(sorted(self.orderings))}."]}
            )
        return self.orderings[value]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        if len(self.orderings) > 1:
            parameters.append(
                {
                    "name": self.ordering_param,
                    "required": False,
                    "in": "query",
                    "description": self.ordering_description,
                    "schema": {
                        "type": "string",
                        "enum": sorted(self.orderings),
                        "default": self.default_ordering,
                    },
                }
            )
        return parameters


class VerdictPagination(StableCursorPagination):
    orderings = {
        "-published_at": ("-published_at", "-id"),
        "published_at": ("published_at", "id"),
        "-updated_at": ("-updated_at", "-id"),
        "updated_at": ("updated_at", "id"),
        # Stored and indexed for these orders (claims.modified, verdict_modified_idx).
        "-modified_at": ("-modified_at", "-id"),
        "modified_at": ("modified_at", "id"),
    }
    default_ordering = "-published_at"
    ordering_description = (
        "Sort order. For an incremental sync, `ordering=modified_at` with `updated_since`: "
        "oldest change first, and a verdict that changes while you page comes again on a "
        "later page, with its new content."
    )


class SpeakerPagination(StableCursorPagination):
    orderings = {"name": ("name", "id")}
    default_ordering = "name"


class AppearancePagination(StableCursorPagination):
    """A claim group's appearances in publication order (claims.appearances.appearances_of,
    group_public_appearances).
    A new appearance is mostly a new article's, and lands after the last page; one from an older
    article, linked while a client pages, shifts no row onto the next page (no row twice), and a
    client already past its date reads it next time."""

    orderings = {"appeared_at": ("appeared_at", "id")}
    default_ordering = "appeared_at"
