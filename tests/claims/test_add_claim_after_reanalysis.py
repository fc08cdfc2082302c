"""The "Add as claim" button on a page drawn before the article was analysed again: every
sentence has a new row since, so the page's sentence id is gone, but the same span of the same
text is the same sentence."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article
from claims.analysis import article_analyze
from claims.models import Claim, ClaimOrigin, Sentence
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = "The mayor opened the new library on Monday. Crime fell by 40 percent last year."


def add_forms(client, article) -> list[tuple[str, dict]]:
    """Each "Add as claim" form of the article page: its address and the values it sends."""
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    forms = []
    for form in BeautifulSoup(html, "html5lib").find_all("form"):
        if "/sentences/" in form["action"]:
            values = {box["name"]: box.get("value", "") for box in form.find_all("input")}
            forms.append((form["action"], values))
    return forms


@pytest.fixture
def article():
    article = ArticleFactory(body=BODY)
    article_analyze(article_id=article.pk)
    Claim.objects.filter(article=article).delete()  # every sentence offers "Add as claim"
    return article


def test_a_page_drawn_before_a_new_analysis_adds_the_same_sentence(client, checker, article):
    (action, values), *_ = add_forms(client, article)
    old = Sentence.objects.get(article=article, start=int(values["start"]))
    article_analyze(article_id=article.pk)
    Claim.objects.filter(article=article).delete()
    assert not Sentence.objects.filter(pk=old.pk).exists()
    response = client.post(action, values, follow=True)
    assert response.status_code == 200
    claim = Claim.objects.get(article=article)
    assert (claim.start, claim.end, claim.text) == (old.start, old.end, old.text)
    assert claim.origin == ClaimOrigin.MANUAL
    assert response.redirect_chain[-1][0] == reverse("claims:detail", args=[claim.pk])
    assert "the article was analysed again after your page was opened" in response.text


def test_a_sentence_the_new_analysis_splits_differently_leads_back_to_the_article(
    client, checker, article
):
    (action, values), *_ = add_forms(client, article)
    article_analyze(article_id=article.pk)
    Claim.objects.filter(article=article).delete()
    Sentence.objects.filter(article=article, start=int(values["start"])).update(end=1)
    response = client.post(action, values, follow=True)
    assert response.redirect_chain[-1][0] == reverse("articles:detail", args=[article.pk])
    assert "This article was analysed again after your page was opened" in response.text
    assert not Claim.objects.filter(article=article).exists()


def test_a_gone_sentence_of_a_deleted_article_is_the_desk_s_404(client, checker, article):
    (action, values), *_ = add_forms(client, article)
    Article.objects.filter(pk=article.pk).delete()
    response = client.post(action, values)
    assert response.status_code == 404
    assert "Nothing is published at this address" not in response.text
    assert "its article may have been analysed again or deleted" in response.text
