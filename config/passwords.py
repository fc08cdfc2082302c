"""Changing one's password (/accounts/password/), and the rules a new password meets, in the
desk's words.

Django's texts ("Your old password was entered incorrectly. Please enter it again.", "The two
password fields didn't match.", "This password is too common.") say what failed, not what to
do. The validators are Django's with their sentences replaced, so `createsuperuser` says the
same; the admin's forms that set a password (config/admin_site.py) take the desk's wording for a
new password typed twice, from `_NewPasswordWordingMixin`. A refused change answers 400, as the
desk's other forms do.

The current password is checked as a log-in is (config.login.password_check): wrong ones count
towards the log-in limit, and a locked username and address get the lockout page.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    PasswordChangeForm,
)
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from config.login import password_check


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"This password is too short: use at least {self.min_length} characters."

    def get_help_text(self):
        return f"At least {self.min_length} characters."


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        # %(verbose_name)s: Django's params, the account's field the password resembles.
        return (
            "This password is too close to the account's %(verbose_name)s: choose one that "
            "does not resemble it."
        )

    def get_help_text(self):
        return "Not close to your username, name or email address."


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return (
            "This password is one of the most commonly used ones, which are guessed first: "
            "choose another."
        )

    def get_help_text(self):
        return "Not a commonly used password."


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "This password is only digits: add letters or other characters."

    def get_help_text(self):
        return "Not only digits."


class _NewPasswordWordingMixin:
    """A new password typed twice, in the desk's words: the desk's change page and the admin's
    forms that set one (its own change page, another user's password, a new user) say the same.
    `new_password_fields` names the form's two boxes."""

    new_password_fields = ("password1", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The two new passwords are not the same: type the same one in "
            "both boxes.",
        }
        first, again = self.new_password_fields
        self.fields[first].error_messages["required"] = "Enter a new password."
        self.fields[again].error_messages["required"] = "Type the new password again."
        self.fields[again].help_text = "The same as above, to catch a typing slip."


class DeskPasswordChangeForm(_NewPasswordWordingMixin, PasswordChangeForm):
    new_password_fields = ("new_password1", "new_password2")
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password: type it again.",
    }

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password."
        for name, label in [
            ("old_password", "Current password"),
            ("new_password1", "New password"),
            ("new_password2", "New password again"),
        ]:
            self.fields[name].label = label

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_check(request=self.request, user=self.user, password=old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class DeskPasswordChangeView(PasswordChangeView):
    form_class = DeskPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeskAdminPasswordChangeForm(_NewPasswordWordingMixin, AdminPasswordChangeForm):
    """The admin's form for another user's password (the user's "Reset password")."""


class DeskAdminUserCreationForm(_NewPasswordWordingMixin, AdminUserCreationForm):
    """The admin's "Add user" form."""
