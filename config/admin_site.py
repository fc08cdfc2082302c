"""The desk's admin site: Django's, with the desk's log-in form (a refused one answers 400, as the
desk's log-in does) and the desk's password forms, so the admin's password pages say what the
desk's page says (config/passwords.py) and its own password change checks the current password
under the log-in limit (config/login.py). The users' admin is in config/admin_users.py:
importing Django's UserAdmin registers it on this site, which this module must not do while the
site is being made."""

from django.contrib import admin
from django.urls import reverse

from config.login import DeskAdminAuthenticationForm, failed_login_answers_400
from config.passwords import DeskPasswordChangeView


class DeskAdminSite(admin.AdminSite):
    site_header = "Fact-check desk — administration"
    site_title = "Fact-check desk"
    login_form = DeskAdminAuthenticationForm

    def login(self, request, extra_context=None):
        return failed_login_answers_400(super().login)(request, extra_context)

    def password_change(self, request, extra_context=None):
        # Django's own builds its view with Django's form, which no setting replaces.
        request.current_app = self.name
        return DeskPasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
