"""Every admin form's text field, generated from its model or declared, refuses a NUL in the
desk's words naming the field (articles.lengths.text_check), never Django's "Null characters
are not allowed.", which names neither the field nor what to do."""

import pytest
from django.contrib import admin
from django.core.validators import ProhibitNullCharactersValidator
from django.test import RequestFactory

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _forms(request):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("articles", "claims"):
            continue  # Django's own (users, groups): not the desk's words to give
        yield model.__name__, model_admin.get_form(request, None)
        for inline in model_admin.get_inline_instances(request, None):
            yield f"{model.__name__} {type(inline).__name__}", inline.get_formset(request).form


def test_no_admin_form_field_says_djangos_null_sentence():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    django_worded = [
        f"{where}.{name}"
        for where, form in _forms(request)
        for name, field in form.base_fields.items()
        if any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators)
        # The pasted text's own sentence replaces Django's (articles.forms.PASTED_TEXT_ERRORS).
        and "null_characters_not_allowed" not in field.error_messages
    ]
    assert django_worded == []


def test_the_article_add_form_names_each_field_by_its_label(admin_client):
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": "Budget\x00",
            "outlet_name": "\x00Times",
            "url": "https://news.example/\x00budget",
            "body": "Text.",
            "language": "en",
        },
    )
    page = response.content.decode()
    assert "Null characters are not allowed." not in page
    assert "The “Title” field holds a NUL character (at character 7)" in page
    assert "The “Outlet name” field holds a NUL character (at character 1)" in page
    # Named as its label is written above the box, not as the column's "url".
    assert '<label for="id_url">URL:</label>' in page
    assert "The “URL” field holds a NUL character (at character 22)" in page


def test_the_outlet_admin_names_its_name(admin_client):
    response = admin_client.post(
        "/admin/articles/outlet/add/", {"name": "Ti\x00mes", "domain": "times.example"}
    )
    page = response.content.decode()
    assert "Null characters are not allowed." not in page
    assert "The “Name” field holds a NUL character (at character 3)" in page


def test_a_label_the_admin_form_gives_a_field_is_the_name_its_message_uses(rf):
    # The label as the form writes it (here from Meta.labels), whatever the column is called.
    from articles.admin import OutletAdmin
    from articles.models import Outlet

    class Form(OutletAdmin.form):
        class Meta(OutletAdmin.form.Meta):
            labels = {"domain": "Web address"}

    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    outlet_admin = OutletAdmin(Outlet, admin.site)
    outlet_admin.form = Form
    form = outlet_admin.get_form(request, None)({"name": "Times", "domain": "times\x00.example"})
    assert form.errors["domain"] == [
        "The “Web address” field holds a NUL character (at character 6), which cannot be saved: "
        "remove it."
    ]
