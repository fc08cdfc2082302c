from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/new/", views.article_submit, name="submit"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/status/", views.article_status, name="status"),
]
