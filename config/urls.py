from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from claims.api.base import ApiSchemaView, api_not_found
from claims.views.public import SITEMAPS, sitemap_section
from config.login import DeskAuthenticationForm, DeskLogoutView, failed_login_answers_400
from config.passwords import DeskPasswordChangeView

handler400 = "claims.api.errors.bad_request"
handler500 = "claims.api.errors.server_error"
handler404 = "config.not_found.page_not_found"


def no_icon(request):
    # The desk has no icon. Its own pages say so (base.html's empty icon), but the admin, the
    # Atom feed and the API docs cannot, and a browser asks for /favicon.ico on them: an empty
    # answer it keeps for a day, not a 404 page logged on each visit.
    response = HttpResponse(status=204)
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("favicon.ico", no_icon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("claims.api.urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy runs no
    # inline script, on this page either.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
    path(
        "accounts/login/",
        failed_login_answers_400(
            auth_views.LoginView.as_view(authentication_form=DeskAuthenticationForm)
        ),
        name="login",
    ),
    path("accounts/logout/", DeskLogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        DeskPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    # Django's section view, cached per published generation; its name is what the index
    # reverses for each section's address.
    path("sitemap-<section>.xml", sitemap_section, name="django.contrib.sitemaps.views.sitemap"),
    path("", include("claims.urls")),
    path("", include("articles.urls")),
]
