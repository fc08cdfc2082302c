import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.claimreview import claimreview_for
from claims.matching import applications, group_changes
from tests.api_clients import key_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
    active_rating,
    correction_published,
    editor,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def jsonld_blocks(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in found]


@pytest.fixture
def verdict():
    article = ArticleFactory(
        title="Mayor on crime",
        body="Crime fell by 40 percent last year. Other text.",
        url="https://news.example.com/mayor-crime",
        outlet=OutletFactory(name="Example News", domain="news.example.com"),
        published_at=timezone.make_aware(dt.datetime(2021, 6, 28, 18, 0)),
    )
    speaker = SpeakerFactory(name="Ada Mayor", role="Mayor of Springfield")
    claim = ClaimFactory(article=article, speaker=speaker)
    return published_verdict(claim=claim, rating=active_rating("false"))


def test_the_public_page_carries_a_complete_claimreview(client, verdict, settings):
    settings.FACTCHECK_ORG_NAME = "Example Checks"
    settings.FACTCHECK_ORG_URL = "https://checks.example.org/"
    response = client.get(reverse("claims:public", args=[verdict.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Crime fell by 40 percent last year." in html
    assert '<span class="rating"' in html and ">False</span>" in html
    [review] = jsonld_blocks(html)
    ratings = verdict.rating.scale.ratings.values_list("value", flat=True)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver/fact-checks/{verdict.pk}/"
    assert review["claimReviewed"] == "Crime fell by 40 percent last year."
    assert dt.datetime.fromisoformat(review["datePublished"]) == verdict.published_at.replace(
        microsecond=0
    )
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://checks.example.org/",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": verdict.rating.value,
        "bestRating": max(ratings),
        "worstRating": min(ratings),
        "alternateName": "False",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Ada Mayor",
        "jobTitle": "Mayor of Springfield",
    }
    assert item["datePublished"] == "2021-06-28T18:00:00+00:00"
    assert item["appearance"][0]["url"] == "https://news.example.com/mayor-crime"
    assert item["appearance"][0]["publisher"]["name"] == "Example News"
    assert item["firstAppearance"] == item["appearance"][0]
    assert "correction" not in review
    assert '<meta name="description" content="False: The figure is wrong.">' in html


def test_claimreview_dates_carry_their_zone_and_the_day_the_page_shows(client, settings):
    # 23:30 UTC is already the next day in Auckland, where this desk works.
    settings.TIME_ZONE = "Pacific/Auckland"
    article = ArticleFactory(published_at=dt.datetime(2021, 6, 28, 18, 0, tzinfo=dt.UTC))
    verdict = published_verdict(claim=ClaimFactory(article=article))
    published = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
    type(verdict).objects.filter(pk=verdict.pk).update(published_at=published)
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    [review] = jsonld_blocks(html)
    assert "published <time" in html and ">3 December 2026</time>" in html
    assert review["datePublished"] == "2026-12-03T12:30:00+13:00"
    assert dt.datetime.fromisoformat(review["datePublished"]) == published
    item = review["itemReviewed"]
    assert item["datePublished"] == item["appearance"][0]["datePublished"]
    assert item["datePublished"] == "2021-06-29T06:00:00+12:00"


def test_the_org_url_defaults_to_the_site(client, verdict):
    review = claimreview_for(verdict, request_or_base_url="https://desk.example.org/")
    assert review["author"]["url"] == "https://desk.example.org/"
    assert review["url"] == f"https://desk.example.org/fact-checks/{verdict.pk}/"


def test_corrections_appear_in_the_claimreview(client, verdict):
    correction_published(
        verdict=verdict,
        editor=editor(),
        expected_version=verdict.version,
        note="The rating changed after new data.",
        rating=active_rating("mostly-false"),
        conclusion="Mostly wrong.",
        explanation="",
        sources=[{"url": "https://x.example.org", "title": "X"}],
    )
    [review] = jsonld_blocks(
        client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    )
    assert review["reviewRating"]["alternateName"] == "Mostly False"
    [correction] = review["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "The rating changed after new data."
    assert correction["datePublished"] == review["dateModified"]


def test_a_claim_cannot_break_out_of_the_jsonld_script(client):
    text = 'He said </script><script>alert("x")</script> & more.'
    article = ArticleFactory(body=text + " Tail.")
    claim = ClaimFactory(article=article, start=0, end=len(text), text=text)
    verdict = published_verdict(claim=claim)
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "<script>alert" not in html
    # Each script the page loads closes once (the JSON-LD and the page's own scripts): the
    # claim's text adds no closing tag of its own.
    assert html.count("</script>") == html.count("<script") == 2
    [review] = jsonld_blocks(html)
    assert review["claimReviewed"] == text


def test_a_correction_names_the_previous_rating_only_when_it_changed_the_rating(client, verdict):
    def correct(rating, note):
        fresh = type(verdict).objects.get(pk=verdict.pk)
        correction_published(
            verdict=fresh,
            editor=editor(),
            expected_version=fresh.version,
            note=note,
            rating=active_rating(rating),
            conclusion=f"Conclusion after: {note}",
            explanation="",
            sources=[{"url": "https://x.example.org", "title": "X"}],
        )

    before = verdict.rating.label
    correct(verdict.rating.slug, "A typo in the conclusion.")
    correct("mostly-false", "New data changed the rating.")
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    typo = html[html.rindex("A typo in the conclusion.") :].split("</li>")[0]
    rerated = html[html.rindex("New data changed the rating.") :].split("</li>")[0]
    assert "previous rating" not in typo
    assert f"(previous rating: {before})" in rerated


def test_a_rating_renamed_on_the_scale_since_a_correction_is_not_named_as_its_previous_rating(
    client, verdict
):
    fresh = type(verdict).objects.get(pk=verdict.pk)
    correction_published(
        verdict=fresh,
        editor=editor(),
        expected_version=fresh.version,
        note="A typo in the conclusion.",
        rating=fresh.rating,
        conclusion="Conclusion after the typo.",
        explanation="",
        sources=[{"url": "https://x.example.org", "title": "X"}],
    )
    rating = fresh.rating
    rating.label = f"{rating.label} (renamed)"
    rating.save(update_fields=["label"])
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    typo = html[html.rindex("A typo in the conclusion.") :].split("</li>")[0]
    assert "previous rating" not in typo


def test_the_canonical_address_is_the_fact_checks_own_without_the_query(client, verdict):
    html = client.get(reverse("claims:public", args=[verdict.pk]), {"utm": "x"}).content.decode()
    assert f'<link rel="canonical" href="http://testserver/fact-checks/{verdict.pk}/">' in html


def test_the_desk_gets_a_link_from_the_public_page_to_the_claim_and_visitors_do_not(
    client, verdict
):
    desk_link = f'href="{reverse("claims:detail", args=[verdict.claim_id])}"'
    url = reverse("claims:public", args=[verdict.pk])
    assert desk_link not in client.get(url).content.decode()
    client.force_login(editor())
    assert desk_link in client.get(url).content.decode()


def test_a_narration_claim_is_published_by_its_outlet_not_claimed_by_it(client):
    article = ArticleFactory(
        title="Crime in Springfield",
        body="Crime fell by 40 percent last year. Other text.",
        url="https://news.example.com/crime",
        outlet=OutletFactory(name="Example News", domain="news.example.com"),
        published_at=timezone.make_aware(dt.datetime(2021, 6, 28, 18, 0)),
    )
    verdict = published_verdict(claim=ClaimFactory(article=article, speaker=None))
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "Claimed by" not in html
    assert (
        'Stated in the article <a href="https://news.example.com/crime" rel="noopener noreferrer">'
        "<bdi>Crime in Springfield</bdi></a>, published by <bdi>Example News</bdi> on 28 June 2021."
        in html
    )
    [review] = jsonld_blocks(html)
    item = review["itemReviewed"]
    assert "author" not in item  # nobody is credited with a claim the desk did not attribute
    assert item["appearance"][0]["publisher"] == {"@type": "Organization", "name": "Example News"}


def test_a_narration_claim_without_an_outlet_names_no_author_at_all(client):
    article = ArticleFactory(body="Crime fell by 40 percent last year.", outlet=None, url="")
    verdict = published_verdict(claim=ClaimFactory(article=article, speaker=None))
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert f"Stated in the article “<bdi>{article.title}</bdi>”." in html
    [review] = jsonld_blocks(html)
    assert "author" not in review["itemReviewed"] and "Unknown" not in json.dumps(review)


def test_the_page_lists_the_other_articles_its_claimreview_names_and_no_unapplied_repeat(
    client, verdict
):
    def repeat(title, outlet):
        text = f"Crime dropped 40 percent in the last year, {outlet} reports."
        article = ArticleFactory(
            title=title,
            body=text,
            outlet=OutletFactory(name=outlet, domain=f"{outlet.lower()}.example.com"),
            published_at=timezone.make_aware(dt.datetime(2021, 7, 2, 9, 0)),
        )
        claim = ClaimFactory(article=article, text=text)
        group_changes.claim_group_link(claim=claim, earlier=verdict.claim)
        return claim

    applied = repeat("Crime still falling, says mayor", "Daily Post")
    applications.verdict_application_request(
        claim=applied, checked=verdict.claim, actor=editor(username="ed")
    )
    repeat("A repeat nobody applied the verdict to", "Evening Star")

    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    (review,) = jsonld_blocks(html)
    headlines = [a["headline"] for a in review["itemReviewed"]["appearance"]]
    assert headlines == ["Mayor on crime", "Crime still falling, says mayor"]
    assert "Also made in" in html
    assert (
        "“<bdi>Crime still falling, says mayor</bdi>”, <bdi>Daily Post</bdi>, 2 July 2021" in html
    )
    assert "Evening Star" not in html and "nobody applied" not in html


def test_a_fact_check_of_a_claim_made_once_has_no_other_articles_listed(client, verdict):
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert "Also made in" not in html


def test_after_a_merge_each_fact_check_lists_its_own_repeats_once_per_other_article(
    client, verdict
):
    """The demo's probe: a True fact-check's group merged into a False one's. Neither may name
    its own article under "Also made in", list an article twice, or claim the other's repeats."""
    own_article = verdict.claim.article  # "Crime fell by 40 percent last year. Other text."
    other_check = published_verdict(
        claim=ClaimFactory(article=own_article, start=36, end=47), rating=active_rating("true")
    )
    recap = ArticleFactory(
        title="Recap",
        body="Crime fell 40 percent. It fell by 40 percent. Other text was true.",
        url="https://team.example.com/recap",
        published_at=timezone.make_aware(dt.datetime(2021, 7, 2, 9, 0)),
    )
    desk_editor = editor(username="ed")
    for start, end, checked in [(0, 22, verdict), (23, 45, verdict), (46, 66, other_check)]:
        applications.verdict_application_request(
            claim=ClaimFactory(article=recap, start=start, end=end),
            checked=checked.claim,
            actor=desk_editor,
        )
    other_check.claim.refresh_from_db()
    verdict.claim.refresh_from_db()
    group_changes.group_merge(
        source=other_check.claim.group, target=verdict.claim.group, actor=desk_editor
    )

    api = key_client()
    for fact_check in (verdict, other_check):
        html = client.get(reverse("claims:public", args=[fact_check.pk])).content.decode()
        (review,) = jsonld_blocks(html)
        urls = [a.get("url") for a in review["itemReviewed"]["appearance"]]
        assert urls == ["https://news.example.com/mayor-crime", "https://team.example.com/recap"]
        also_in = html[html.index("Also made in") :]
        assert also_in.count("data-appearance") == 1 and "Recap" in also_in
        assert "Mayor on crime" not in also_in
    # The API's group is the group's, the same for both: each fact-check's own claim (both in
    # one article) and the recap's repeat, once (tests/claims/test_api_group_one_id.py).
    listed = [
        api.get(f"/api/v1/claims/{fact_check.claim_id}/appearances/").json()["results"]
        for fact_check in (verdict, other_check)
    ]
    assert listed[0] == listed[1]
    assert [a["article"].get("url") for a in listed[0]] == [
        "https://news.example.com/mayor-crime",
        "https://news.example.com/mayor-crime",
        "https://team.example.com/recap",
    ]
