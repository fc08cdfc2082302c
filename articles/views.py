from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .models import Article


@login_required
@permission_required("articles.view_article", raise_exception=True)
def article_list(request):
    articles = (
        Article.objects.select_related("outlet")
        .annotate(claim_count=Count("claims"))
        .order_by("-created_at")[:200]
    )
    return render(request, "articles/article_list.html", {"articles": articles})


@login_required
@permission_required("articles.view_article", raise_exception=True)
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    sentences = article.sentences.select_related("speaker").order_by("start")
    return render(
        request, "articles/article_detail.html", {"article": article, "sentences": sentences}
    )
