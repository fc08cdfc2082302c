"""The users' admin: Django's UserAdmin with the desk's password forms (config/passwords.py), put
in the place of Django's once every app's admin.py has run (config/admin_app.py). A refused new
user or password answers 400 with its page, as the desk's log-in and password change do."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from config.login import refused_form_answers_400
from config.passwords import DeskAdminPasswordChangeForm, DeskAdminUserCreationForm


class DeskUserAdmin(UserAdmin):
    change_password_form = DeskAdminPasswordChangeForm
    add_form = DeskAdminUserCreationForm

    def add_view(self, request, form_url="", extra_context=None):
        return refused_form_answers_400(super().add_view(request, form_url, extra_context))

    def user_change_password(self, request, id, form_url=""):
        return refused_form_answers_400(super().user_change_password(request, id, form_url))


def user_admin_replace() -> None:
    """Django's UserAdmin, registered by django.contrib.auth's admin.py, with the desk's forms."""
    user_model = get_user_model()
    admin.site.unregister(user_model)
    admin.site.register(user_model, DeskUserAdmin)
