"""The admin app as INSTALLED_APPS names it: Django's, with the desk's site (config/admin_site.py).

Its own module because INSTALLED_APPS imports it before any model is loaded; the site's module
imports forms and models, so it is named here by its path and imported later, when `admin.site`
is first used."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "config.admin_site.DeskAdminSite"

    def ready(self):
        super().ready()  # every app's admin.py, django.contrib.auth's UserAdmin among them
        from config.admin_users import user_admin_replace

        user_admin_replace()
