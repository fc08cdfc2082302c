"""Submit an admin change form as a browser would: every field the page renders, some changed."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            else:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n")


def change_form_fields(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.fields


def admin_save(client, page: str, **changes):
    """POST the change form at `page` with `changes` applied (None removes a field)."""
    fields = change_form_fields(client, page)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    fields["_save"] = "Save"
    return client.post(page, fields)


def inline_row(fields: dict[str, str], obj) -> str:
    """The prefix of the inline form that edits `obj` ("ratings-2"), among `fields`
    (change_form_fields)."""
    return next(
        name.removesuffix("-id")
        for name, value in fields.items()
        if name.endswith("-id") and value == str(obj.pk)
    )


def admin_save_adding_row(client, page: str, *, prefix: str, **row):
    """POST the change form at `page` with one more form in its inline formset `prefix`
    ("ratings"), holding `row`'s fields."""
    added = int(change_form_fields(client, page)[f"{prefix}-TOTAL_FORMS"])
    new = {f"{prefix}-{added}-{name}": value for name, value in row.items()}
    return admin_save(client, page, **{f"{prefix}-TOTAL_FORMS": str(added + 1)}, **new)


def admin_rating_add(client, scale, *, label: str, slug: str, value: int, colour="#777777"):
    """Add a rating to `scale` on its admin change page, as the desk does."""
    return admin_save_adding_row(
        client,
        reverse("admin:claims_ratingscale_change", args=[scale.pk]),
        prefix="ratings",
        label=label,
        slug=slug,
        value=str(value),
        colour=colour,
        scale=str(scale.pk),
    )
