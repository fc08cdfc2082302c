from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from .articles import ArticleViewSet, IntakeJobViewSet
from .base import api_not_found
from .index import ApiIndex
from .views import ClaimViewSet, SpeakerViewSet, VerdictViewSet

app_name = "api"

router = SimpleRouter()
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("claims", ClaimViewSet, basename="claim")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("articles", ArticleViewSet, basename="article")
router.register("intake-jobs", IntakeJobViewSet, basename="intake-job")

urlpatterns = [
    path("", ApiIndex.as_view(router=router), name="index"),
    *router.urls,
    re_path(r"^.*$", api_not_found),
]
