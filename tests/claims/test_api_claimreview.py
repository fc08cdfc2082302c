"""ClaimReview: the same structured data the public page embeds, as JSON or JSON-LD, with the
claim's appearances across its group (first, most recent, paged)."""

import base64

import pytest
from django.test import RequestFactory

from claims.claimreview import claimreview_for
from claims.models import ClaimStatus
from claims.services import speaker_resolve
from tests.api_clients import (
    claim_with_text,
    days_ago,
    draft_verdict,
    key_client,
    published_verdict,
)
from tests.factories import OutletFactory, SpeakerFactory, editor, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_claimreview_is_the_same_dict_the_public_page_embeds(api):
    speaker = speaker_resolve(name="Jane Doe", role="Mayor")
    verdict = published_verdict("The budget grew by 40 percent.", speaker=speaker)
    response = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert response.status_code == 200
    request = RequestFactory().get("/")
    assert response.json() == claimreview_for(verdict, request_or_base_url=request)
    review = response.json()
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "The budget grew by 40 percent."
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["reviewRating"]["bestRating"] == 6 and review["reviewRating"]["worstRating"] == 1
    assert review["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Jane Doe",
        "jobTitle": "Mayor",
    }
    assert review["url"].endswith(f"/fact-checks/{verdict.pk}/")


def test_claimreview_can_be_asked_for_as_json_ld(api):
    verdict = published_verdict("The budget grew by 40 percent.")
    response = api.get(
        f"/api/v1/verdicts/{verdict.pk}/claimreview/", HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    "accept, content_type",
    [
        ("application/ld+json, application/json;q=0.5", "application/ld+json"),
        ("application/json;q=0.4, application/ld+json;q=0.9", "application/ld+json"),
        ("application/json, application/ld+json;q=0.5", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
    ],
)
def test_claimreview_follows_the_clients_preference_between_json_and_json_ld(
    api, accept, content_type
):
    verdict = published_verdict("The budget grew by 40 percent.")
    response = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["@type"] == "ClaimReview"


def test_an_error_asked_for_as_json_ld_is_plain_json(api):
    verdict = draft_verdict("The budget grew by 40 percent.")
    for path in (
        f"/api/v1/verdicts/{verdict.pk}/claimreview/",
        "/api/v1/verdicts/1/claimreview/?x=1",
    ):
        response = api.get(path, HTTP_ACCEPT="application/ld+json")
        assert response.status_code in (400, 404)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] in ("not_found", "invalid")


def test_the_claim_endpoint_and_claimreview_list_the_groups_appearances(api):
    from claims.matching.applications import (
        verdict_application_approve,
        verdict_application_request,
    )
    from claims.matching.group_changes import claim_group_link, claim_split, group_event_undo

    def claim_apply_verdict(*, claim, checked, actor):
        return verdict_application_request(claim=claim, checked=checked, actor=actor)

    verdict = published_verdict("The budget grew by 40 percent.")
    repeat = claim_with_text("The budget grew 40 percent, the mayor said again.")
    claim_group_link(claim=repeat, earlier=verdict.claim)
    desk = key_client(staff=True).get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert desk["group"]["canonical_text"] == "The budget grew by 40 percent."
    assert [a["claim_id"] for a in desk["group"]["appearances"]] == [verdict.claim.pk, repeat.pk]

    # A repeat the desk has not stood behind stays desk-only.
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1

    # A fact-checker's request is not public until an editor approves it.
    claim_apply_verdict(claim=repeat, checked=verdict.claim, actor=fact_checker())
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1
    verdict_application_approve(application=repeat.verdict_applications.get(), editor=editor())
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk, repeat.pk]
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 2
    assert review["itemReviewed"]["firstAppearance"] == review["itemReviewed"]["appearance"][0]

    # Split out (not a repeat after all) and later linked again: the desk has not applied the
    # verdict since, so the public does not see it as an appearance.
    # (Both are an editor's: they change the fact-check's public appearances.)
    claim_split(claim=repeat, actor=editor())
    claim_group_link(claim=repeat, earlier=verdict.claim, actor=editor())  # the worker would not
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == [verdict.claim.pk]
    # A split that is undone never took the repeat out: the application stands.
    other = claim_with_text("The budget grew by 40 percent, again.")
    desk_editor = editor()
    claim_apply_verdict(claim=other, checked=verdict.claim, actor=desk_editor)
    group_event_undo(event=claim_split(claim=other, actor=desk_editor), actor=desk_editor)
    public_ids = [verdict.claim.pk, other.pk]
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    assert [a["claim_id"] for a in detail["group"]["appearances"]] == public_ids
    # Linked into another fact-check's group, it is no appearance of that one either: nobody
    # applied that verdict to it.
    second = published_verdict("The harbour tunnel cost 2 billion.")
    claim_group_link(claim=other, earlier=second.claim, actor=desk_editor)
    review = api.get(f"/api/v1/verdicts/{second.pk}/claimreview/").json()
    assert len(review["itemReviewed"]["appearance"]) == 1


def test_the_claim_was_made_when_it_first_appeared_even_in_an_applied_repeat(api):
    from claims.matching.applications import verdict_application_request
    from claims.matching.group_changes import claim_group_link

    verdict = published_verdict("The budget grew by 40 percent.")
    repeat = claim_with_text("The budget grew 40 percent, the mayor said again.")
    type(verdict.claim.article).objects.filter(pk=verdict.claim.article_id).update(
        published_at=days_ago(2)
    )
    # Found later, in an article published before the one the desk checked.
    type(repeat.article).objects.filter(pk=repeat.article_id).update(published_at=days_ago(9))
    claim_group_link(claim=repeat, earlier=verdict.claim)
    # An editor's own application takes effect at once.
    verdict_application_request(claim=repeat, checked=verdict.claim, actor=editor())
    item = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["itemReviewed"]
    assert item["firstAppearance"]["headline"] == repeat.article.title
    assert item["datePublished"] == item["firstAppearance"]["datePublished"]


def test_an_applied_repeat_names_its_speaker_only_where_the_speaker_is_readable(api):
    from claims.matching.applications import verdict_application_request
    from claims.matching.group_changes import claim_group_link

    verdict = published_verdict("The budget grew by 40 percent.", speaker=SpeakerFactory())
    unpublished_speaker = SpeakerFactory(name="Councillor Draft")
    repeat = claim_with_text("The budget grew 40 percent, again.", speaker=unpublished_speaker)
    claim_group_link(claim=repeat, earlier=verdict.claim)
    verdict_application_request(claim=repeat, checked=verdict.claim, actor=editor())

    # One visibility rule: the key that gets 404 for the speaker does not read its name.
    assert api.get(f"/api/v1/speakers/{unpublished_speaker.pk}/").status_code == 404
    detail = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    names = {a["claim_id"]: a["speaker"] for a in detail["group"]["appearances"]}
    assert names == {verdict.claim.pk: verdict.claim.speaker.name, repeat.pk: None}

    desk = key_client(staff=True)
    assert desk.get(f"/api/v1/speakers/{unpublished_speaker.pk}/").status_code == 200
    detail = desk.get(f"/api/v1/claims/{verdict.claim.pk}/").json()
    names = {a["claim_id"]: a["speaker"] for a in detail["group"]["appearances"]}
    assert names[repeat.pk] == "Councillor Draft"


def test_an_anonymous_source_is_no_author_of_the_claim_in_claimreview():
    from claims.models import SpeakerKind

    source = speaker_resolve(name="a senior official", kind=SpeakerKind.ANONYMOUS)
    verdict = published_verdict("The budget grew by 40 percent.", speaker=source)
    review = claimreview_for(verdict, request_or_base_url="https://desk.example.org")
    assert review["itemReviewed"]["@type"] == "Claim"
    assert "author" not in review["itemReviewed"]


def repeats_in_group(verdict, count: int, *, applied: bool) -> list:
    """`count` repeats of `verdict`'s claim in its group, one article a day, oldest first, after
    the checked claim's own article; `applied`: an editor applied the verdict to each (public)."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from claims.models import Claim, ClaimGroup, ClaimGroupEvent, GroupEventKind, GroupLink
    from tests.factories import ArticleFactory, ClaimFactory

    start = timezone.now() - timedelta(days=count + 1)
    checked = verdict.claim
    Article.objects.filter(pk=checked.article_id).update(published_at=start)
    group = ClaimGroup.objects.create(canonical_claim=checked, canonical_text=checked.text)
    Claim.objects.filter(pk=checked.pk).update(group=group, group_link=GroupLink.FOUNDER)
    outlet = OutletFactory()
    articles = Article.objects.bulk_create(
        ArticleFactory.build(outlet=outlet, published_at=start + timedelta(days=day + 1))
        for day in range(count)
    )
    status = ClaimStatus.DISMISSED if applied else ClaimStatus.NEW
    repeats = Claim.objects.bulk_create(
        ClaimFactory.build(article=article, group=group, group_link=GroupLink.AUTO, status=status)
        for article in articles
    )
    if applied:
        ClaimGroupEvent.objects.bulk_create(
            ClaimGroupEvent(
                group=group,
                claim=repeat,
                kind=GroupEventKind.VERDICT_APPLIED,
                data={"before": {}, "checked": checked.pk},
            )
            for repeat in repeats
        )
    return repeats


def test_a_claimreview_lists_the_first_appearance_and_only_the_most_recent_ones(api):
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    listed = [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]
    assert listed == [verdict.claim.article.title] + [r.article.title for r in repeats[-RECENT:]]
    assert review["itemReviewed"]["firstAppearance"]["headline"] == verdict.claim.article.title


def test_a_claimreview_keeps_the_reviewed_claim_s_own_article_among_the_ones_left_out(api):
    from datetime import timedelta

    from articles.models import Article
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    # The desk checked it in a later article than where it first appeared.
    between = repeats[4].article.published_at + timedelta(hours=1)
    Article.objects.filter(pk=verdict.claim.article_id).update(published_at=between)
    review = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()
    listed = [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]]
    first, own = repeats[0].article.title, verdict.claim.article.title
    assert listed == [first, own] + [r.article.title for r in repeats[-RECENT:]]


def test_an_undated_first_appearance_leaves_the_claim_dated_by_its_earliest_dated_one(api):
    from datetime import timedelta

    from articles.models import Article
    from claims.claimreview import CLAIMREVIEW_RECENT_APPEARANCES as RECENT
    from claims.claimreview import desk_moment
    from claims.models import Claim

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, RECENT + 10, applied=True)
    # Read by the desk before every repeat, in an article without a date: the first
    # appearance, and the earliest dated one is among those the list leaves out.
    Article.objects.filter(pk=verdict.claim.article_id).update(published_at=None)
    before_all = repeats[0].article.published_at - timedelta(days=1)
    Claim.objects.filter(pk=verdict.claim_id).update(created_at=before_all)
    item = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["itemReviewed"]
    assert item["firstAppearance"]["headline"] == verdict.claim.article.title
    assert repeats[0].article.title not in [a["headline"] for a in item["appearance"]]
    assert item["datePublished"] == desk_moment(repeats[0].article.published_at)


def test_the_claim_endpoint_counts_a_large_group_and_pages_its_appearances(api):
    from claims.api.pagination import AppearancePagination

    verdict = published_verdict("The budget grew by 40 percent.")
    repeats = repeats_in_group(verdict, AppearancePagination.page_size + 5, applied=False)
    everyone = [verdict.claim.pk] + [repeat.pk for repeat in repeats]
    desk = key_client(staff=True)
    group = desk.get(f"/api/v1/claims/{verdict.claim.pk}/").json()["group"]
    assert group["appearance_count"] == len(everyone)
    first_page = [a["claim_id"] for a in group["appearances"]]
    assert first_page == everyone[: AppearancePagination.page_size]
    url, paged = group["appearances_url"] + "?page_size=10", []
    while url:
        page = desk.get(url)
        assert page.status_code == 200, page.content
        paged += [a["claim_id"] for a in page.json()["results"]]
        url = page.json()["next"]
    assert paged == everyone
    # Without the desk scope: only the public appearances, counted and paged the same way.
    group = api.get(f"/api/v1/claims/{verdict.claim.pk}/").json()["group"]
    assert (group["appearance_count"], len(group["appearances"])) == (1, 1)
    public = api.get(group["appearances_url"]).json()
    assert [a["claim_id"] for a in public["results"]] == [verdict.claim.pk]


def test_the_appearances_endpoint_refuses_what_it_does_not_take(api):
    verdict = published_verdict("The budget grew by 40 percent.")
    url = f"/api/v1/claims/{verdict.claim.pk}/appearances/"
    assert api.get(url, {"page": "2"}).json()["fields"] == {
        "page": ["Unknown parameter; this endpoint takes cursor, format, page_size."]
    }
    detail = f"/api/v1/claims/{verdict.claim.pk}/"
    assert api.get(detail, {"page": "2"}).json()["fields"] == {
        "page": ["Unknown parameter; this endpoint takes format."]
    }
    listed = api.get("/api/v1/verdicts/", {"since": "2026-12-01"}).json()["fields"]["since"][0]
    assert "updated_since" in listed and "page_size" in listed and "format" in listed
    claimreview = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/", {"as": "ld"})
    assert claimreview.json()["fields"]["as"] == ["Unknown parameter; this endpoint takes format."]
    assert "cursor" in api.get(url, {"cursor": "forged"}).json()["fields"]
    # A well-formed cursor whose position is no date: refused, not sent to the database.
    forged_position = base64.b64encode(b"p=not-a-date").decode()
    assert "cursor" in api.get(url, {"cursor": forged_position}).json()["fields"]
    draft = draft_verdict("The harbour tunnel cost 2 billion.")
    assert api.get(f"/api/v1/claims/{draft.claim.pk}/appearances/").status_code == 404
