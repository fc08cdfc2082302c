"""Changing one's password (/accounts/password/), and the rules a new password meets, in the
desk's words.

Django's texts ("Your old password was entered incorrectly. Please enter it again.", "The two
password fields didn't match.", "This password is too common.") say what failed, not what to
do. The validators are Django's with their sentences replaced, so the admin's password forms
and `createsuperuser` say the same; a refused change answers 400, as the desk's other forms do.

The current password is checked as a log-in is (config.login.password_check): wrong ones count
towards the log-in limit, and a locked username and address get the lockout page.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
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


class DeskPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_incorrect": "That is not your current password: type it again.",
        "password_mismatch": "The two new passwords are not the same: type the same one in "
        "both boxes.",
    }

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        for name, label, required in [
            ("old_password", "Current password", "Enter your current password."),
            ("new_password1", "New password", "Enter a new password."),
            ("new_password2", "New password again", "Type the new password again."),
        ]:
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password2"].help_text = "The same as above, to catch a typing slip."

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
