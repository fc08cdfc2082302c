"""The public index of fact-checks, its Atom feed and the sitemap: published verdicts only."""

import datetime as dt
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import verdicts
from claims.models import Rating, RatingScale
from tests.api_clients import claim_with_text
from tests.factories import (
    SpeakerFactory,
    active_rating,
    correction_published,
    drafted_verdict,
    editor,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _published(text: str, *, days_ago: int, rating: str = "false", speaker=None):
    verdict = published_verdict(
        claim=claim_with_text(text, speaker=speaker), rating=active_rating(rating)
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    type(verdict).objects.filter(pk=verdict.pk).update(published_at=when)
    verdict.refresh_from_db()
    return verdict


@pytest.fixture
def desk():
    """Two published verdicts, and a draft and a submitted one the public must never see."""
    older = _published("Unemployment rose by 20 percent in Springfield.", days_ago=3)
    newer = _published(
        "The council budget doubled since 2019.",
        days_ago=1,
        rating="true",
        speaker=SpeakerFactory(name="Ada Mayor"),
    )
    draft = drafted_verdict(claim=claim_with_text("Secret draft about the harbour tunnel."))
    in_review = submitted_verdict(claim=claim_with_text("Pending review about school meals."))
    return {"older": older, "newer": newer, "draft": draft, "in_review": in_review}


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/fact-checks/\d+/)"', html)


def test_the_index_lists_published_fact_checks_newest_first_for_anyone(client, desk):
    response = client.get(reverse("claims:public_index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _links(html) == [
        reverse("claims:public", args=[desk["newer"].pk]),
        reverse("claims:public", args=[desk["older"].pk]),
    ]
    assert "Claimed by <bdi>Ada Mayor</bdi>" in html and "2 fact-checks" in html
    for hidden in ["harbour tunnel", "school meals"]:
        assert hidden not in html
    # Searching for an unpublished claim's words finds nothing either.
    for words in ["harbour tunnel", "school meals"]:
        found = client.get(reverse("claims:public_index"), {"q": words}).content.decode()
        assert _links(found) == [] and "No published fact-check matches this search" in found


def test_the_index_searches_by_words_and_filters_by_rating(client, desk):
    url = reverse("claims:public_index")
    assert _links(client.get(url, {"q": "council budget"}).content.decode()) == [
        reverse("claims:public", args=[desk["newer"].pk])
    ]
    assert _links(client.get(url, {"rating": "false"}).content.decode()) == [
        reverse("claims:public", args=[desk["older"].pk])
    ]
    page = client.get(url).content.decode()
    # The active scale's ratings, in the scale's order (truest first), used or not.
    assert '<option value="true">' in page and '<option value="false">' in page
    assert '<option value="mostly-true">' in page


def test_the_rating_filter_takes_any_case_as_the_api_s_does(client, desk):
    from bs4 import BeautifulSoup

    for asked in ["FALSE", "False", " false "]:
        response = client.get(reverse("claims:public_index"), {"rating": asked})
        assert response.status_code == 200, asked
        assert _links(response.content.decode()) == [
            reverse("claims:public", args=[desk["older"].pk])
        ]
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one("select[name=rating] option[selected]")["value"] == "false"


def test_a_rating_two_scales_spell_in_different_cases_finds_both_scales_fact_checks(client, desk):
    old = RatingScale.objects.create(name="Old scale")
    shouted = Rating.objects.create(
        scale=old, label="FALSE (old scale)", slug="FALSE", value=-9, colour="#000000"
    )
    kept = desk["newer"]
    type(kept).objects.filter(pk=kept.pk).update(rating=shouted)
    response = client.get(reverse("claims:public_index"), {"rating": "false"})
    assert sorted(_links(response.content.decode())) == sorted(
        reverse("claims:public", args=[verdict.pk]) for verdict in (desk["older"], kept)
    )


def test_the_rating_filter_lists_the_scale_in_its_order(client, desk):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(reverse("claims:public_index")).content, "html.parser")
    offered = [option["value"] for option in page.select("select[name=rating] option")][1:]
    scale = Rating.objects.filter(scale__is_active=True).order_by("-value")
    assert offered == [rating.slug for rating in scale]


def test_a_rating_no_fact_check_has_yet_is_an_empty_list_that_says_so(client, desk):
    response = client.get(reverse("claims:public_index"), {"rating": "pants-on-fire"})
    assert response.status_code == 200
    assert _links(response.content.decode()) == []
    assert "No fact-check has this rating yet." in response.content.decode()


def test_a_rating_only_unpublished_verdicts_of_an_older_scale_use_is_not_offered(client, desk):
    old = RatingScale.objects.create(name="Old scale")
    retired = Rating.objects.create(
        scale=old, label="Wholly bogus", slug="wholly-bogus", value=-9, colour="#000000"
    )
    draft = drafted_verdict(claim=claim_with_text("A draft on the old scale."))
    # Written before its scale was retired: the form now offers only the active scale's.
    type(draft).objects.filter(pk=draft.pk).update(rating=retired)
    response = client.get(reverse("claims:public_index"), {"rating": "wholly-bogus"})
    assert response.status_code == 400
    assert "Wholly bogus" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 2001}, "at most 2,000 characters"),
        ({"q": "nul\x00byte"}, "The search holds a NUL character (at character 4)"),
        ({"rating": "made-up"}, "Choose one of the ratings listed."),
        ({"rating": "<script>"}, "Choose one of the ratings listed."),
        # No word to search for: refused as the API refuses it, not "nothing matches".
        ({"q": "-"}, "Give at least one word to search for."),
        ({"q": "&|!"}, "Give at least one word to search for."),
    ],
)
def test_bad_searches_are_a_400_that_says_what_is_wrong(client, desk, params, message):
    response = client.get(reverse("claims:public_index"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_index_pages_and_a_page_past_the_end_shows_the_last(client, desk, monkeypatch):
    from claims.views import public

    monkeypatch.setattr(public, "INDEX_PAGE_SIZE", 1)
    url = reverse("claims:public_index")
    first = client.get(url, {"rating": "false", "page": "1"}).content.decode()
    assert "Page 1" not in first  # one result, one page
    second = client.get(url, {"page": "2"}).content.decode()
    assert _links(second) == [reverse("claims:public", args=[desk["older"].pk])]
    assert "?page=1" in second
    assert _links(client.get(url, {"page": "999"}).content.decode()) == _links(second)
    assert client.get(url, {"page": "nonsense"}).status_code == 200


def test_the_feed_is_atom_with_published_fact_checks_only(client, desk):
    correction_published(
        verdict=desk["older"],
        editor=editor(),
        expected_version=desk["older"].version,
        note="A better source.",
        rating=active_rating("false"),
        conclusion="Still wrong <script>alert(1)</script>",
        explanation="",
        sources=[{"url": "https://better.example.org/", "title": "Better"}],
    )
    response = client.get(reverse("claims:public_feed"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 2
    assert f"/fact-checks/{desk['newer'].pk}/" in body and "True: \u2068The council budget" in body
    assert "harbour tunnel" not in body and "school meals" not in body
    # The summary is type="html": the conclusion is escaped for HTML, then for XML, so a
    # reader shows the text and never runs it.
    assert "<script>" not in body and "&amp;lt;script&amp;gt;" in body
    assert "Claimed by &lt;bdi&gt;Ada Mayor&lt;/bdi&gt; in " in body
    assert "<name>Ada Mayor</name>" not in body


def test_the_sitemap_lists_published_fact_check_pages_only(client, desk):
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-fact-checks.xml" in index
    section = client.get("/sitemap-fact-checks.xml").content.decode()
    for key in ["older", "newer"]:
        assert f"/fact-checks/{desk[key].pk}/</loc>" in section
    for key in ["draft", "in_review"]:
        assert f"/fact-checks/{desk[key].pk}/" not in section
    assert section.count("<lastmod>") == 2


def test_a_sitemap_section_is_rendered_once_until_the_published_record_changes(
    client, desk, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/sitemap-fact-checks.xml")
    with django_assert_num_queries(0):
        again = client.get("/sitemap-fact-checks.xml")
    assert again.content == first.content and again["Content-Type"] == "application/xml"
    assert again["Last-Modified"] == first["Last-Modified"]
    # Kept out of search results, as Django's own sitemap view says: served from the cache too.
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"] == "noindex, noodp, noarchive"
    with django_capture_on_commit_callbacks(execute=True):
        fresh = published_verdict(claim=claim_with_text("The bridge cost twice the estimate."))
        verdicts.verdict_submit(verdict=desk["draft"], actor=desk["draft"].author)
    section = client.get("/sitemap-fact-checks.xml").content.decode()
    assert f"/fact-checks/{fresh.pk}/</loc>" in section and section.count("<loc>") == 3
    for key in ["draft", "in_review"]:
        assert f"/fact-checks/{desk[key].pk}/" not in section
    assert client.get("/sitemap-fact-checks.xml?p=2").status_code == 404
    assert client.get("/sitemap-fact-checks.xml?p=x").status_code == 404
    assert client.get("/sitemap-fact-checks.xml?p=²").status_code == 404
    assert client.get("/sitemap-other.xml").status_code == 404


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap_entries(content: bytes) -> list[tuple[str, str, str]]:
    root = ElementTree.fromstring(content)  # noqa: S314 (the desk's own output)
    assert root.tag == f"{SITEMAP_NS}urlset"
    return [
        tuple(url.findtext(f"{SITEMAP_NS}{tag}") for tag in ("loc", "lastmod", "changefreq"))
        for url in root
    ]


def test_a_sitemap_section_writes_what_django_s_sitemap_template_writes(client, desk, settings):
    from django.contrib.sitemaps import views as sitemap_views
    from django.test import RequestFactory

    from claims.views.public import SITEMAPS

    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: a lastmod's date is the desk's date
    ours = client.get("/sitemap-fact-checks.xml")
    request = RequestFactory().get("/sitemap-fact-checks.xml")
    djangos = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section="fact-checks").render()
    assert _sitemap_entries(ours.content) == _sitemap_entries(djangos.content)
    assert len(_sitemap_entries(ours.content)) == 2
    assert ours["Last-Modified"] == djangos["Last-Modified"]


def test_a_sitemap_section_reverses_the_fact_check_address_once_not_once_a_row(
    client, desk, monkeypatch
):
    from claims.views import public

    for number in range(10):
        _published(f"The harbour tunnel cost {number} million more.", days_ago=2)
    reversed_names = []

    def counting_reverse(name, *args, **kwargs):
        reversed_names.append(name)
        return reverse(name, *args, **kwargs)

    monkeypatch.setattr(public, "reverse", counting_reverse)
    section = client.get("/sitemap-fact-checks.xml").content
    assert len(_sitemap_entries(section)) == 12
    assert reversed_names.count("claims:public") == 1
    for verdict in type(desk["older"]).objects.published():
        assert f"<loc>http://testserver{reverse('claims:public', args=[verdict.pk])}</loc>" in (
            section.decode()
        )


def test_the_public_pages_write_a_date_in_full_on_the_desk_s_calendar(client, desk, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: 14 Sep 12:00 UTC is the 15th there
    verdict = desk["older"]
    noon = dt.datetime(2021, 9, 14, 12, tzinfo=dt.UTC)
    type(verdict).objects.filter(pk=verdict.pk).update(published_at=noon)
    for url in (reverse("claims:public_index"), reverse("claims:public", args=[verdict.pk])):
        page = client.get(url).content.decode()
        assert "15 September 2021</time>" in page and "15 Sep 2021" not in page, url


def test_the_feed_stays_well_formed_xml_when_published_text_has_control_characters(client):
    # An article's text may carry characters XML 1.0 cannot hold (a bell, a form feed, a
    # non-character); the claim, the conclusion and the speaker's name come from it.
    speaker = SpeakerFactory(name="Bob\x08 Jones")
    verdict = _published(
        "Taxes rose\x07 by 25\x0c percent\ufffe in 2024.", days_ago=1, speaker=speaker
    )
    type(verdict).objects.filter(pk=verdict.pk).update(conclusion="They did not\x1b rise.")

    response = client.get(reverse("claims:public_feed"))

    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = feed.findall(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == "False: \u2068Taxes rose by 25 percent in 2024.\u2069"
    article = verdict.claim.article
    assert entry.findtext(f"{atom}summary") == (
        f"Claimed by <bdi>Bob Jones</bdi> in “<bdi>{article.title}</bdi>” "
        f"(<bdi>{article.outlet}</bdi>). They did not rise."
    )


def test_the_feed_is_written_by_the_fact_checkers_and_names_who_made_each_claim(client, settings):
    settings.FACTCHECK_ORG_NAME = "Example Checks"
    settings.FACTCHECK_ORG_URL = "https://checks.example"
    _published(
        "Taxes rose by 25 percent in 2024.", days_ago=1, speaker=SpeakerFactory(name="Ann Lee")
    )
    narrated = _published("Crime fell by half in 2025.", days_ago=2, speaker=None)
    type(narrated.claim.article).objects.filter(pk=narrated.claim.article_id).update(
        url="https://news.example/crime?a=1&b=2",
        published_at=dt.datetime(2025, 3, 4, 12, tzinfo=dt.UTC),
    )
    article = narrated.claim.article
    feed = ElementTree.fromstring(client.get(reverse("claims:public_feed")).content)  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}author/{atom}name") == "Example Checks"
    assert feed.findtext(f"{atom}author/{atom}uri") == "https://checks.example"
    newer, older = feed.findall(f"{atom}entry")
    # No entry names its own author: each is the organisation's, as the feed says.
    assert newer.find(f"{atom}author") is None and older.find(f"{atom}author") is None
    assert newer.findtext(f"{atom}summary").startswith("Claimed by <bdi>Ann Lee</bdi> in “")
    # A narration claim is the article's own statement: the summary says where, as its page
    # does (with the article's link, the summary being HTML), not nobody.
    summary = older.findtext(f"{atom}summary")
    stated = (
        'Stated in the article <a href="https://news.example/crime?a=1&amp;b=2" '
        f'rel="noopener noreferrer"><bdi>{article.title}</bdi></a>, published by '
        f"<bdi>{article.outlet}</bdi> on "
        "4 March 2025."
    )
    assert summary == f"{stated} {narrated.conclusion}"
    page = client.get(reverse("claims:public", args=[narrated.pk])).content.decode()
    assert f'<p class="meta">{stated}</p>' in page


def test_a_visitor_finds_the_log_in_link_except_on_the_log_in_page(client, desk):
    assert '<a href="/accounts/login/">Log in</a>' in client.get("/fact-checks/").content.decode()
    login_page = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/login/">Log in</a>' not in login_page


def test_the_public_search_matches_a_speakers_public_name_but_never_a_desk_only_spelling(
    client, desk
):
    # A spelling the desk recorded (an analysis of a pasted article, a speaker correction, a
    # merge) is desk-only: a substring search over aliases would let anyone spell it out.
    speaker = desk["newer"].claim.speaker
    speaker.aliases.create(alias="Adelaide Whistleblower-Source", key="adelaide whistleblower")
    url = reverse("claims:public_index")
    assert _links(client.get(url, {"q": "Whistleblower"}).content.decode()) == []
    assert _links(client.get(url, {"q": "Ada Mayor"}).content.decode()) == [
        reverse("claims:public", args=[desk["newer"].pk])
    ]


def test_the_sitemap_and_feed_date_a_fact_check_by_its_latest_correction(client, desk):
    verdict = desk["older"]
    for note in ["A better source.", "A second look."]:
        correction_published(
            verdict=verdict,
            editor=editor(),
            expected_version=verdict.version,
            note=note,
            rating=active_rating("false"),
            conclusion="Still wrong.",
            explanation=note,  # a correction must change something
            sources=[{"url": "https://better.example.org/", "title": "Better"}],
        )
        verdict.refresh_from_db()
    first, latest = verdict.corrections.order_by("created_at")
    type(first).objects.filter(pk=first.pk).update(
        created_at=latest.created_at - dt.timedelta(days=2)
    )
    section = client.get("/sitemap-fact-checks.xml").content.decode()
    entry = section.split(f"/fact-checks/{verdict.pk}/</loc>")[1].split("</url>")[0]
    assert f"<lastmod>{latest.created_at.date().isoformat()}</lastmod>" in entry
    feed = ElementTree.fromstring(client.get(reverse("claims:public_feed")).content)  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    updated = {
        item.find(f"{atom}link").get("href"): item.find(f"{atom}updated").text
        for item in feed.iter(f"{atom}entry")
    }
    shown = updated[f"http://testserver/fact-checks/{verdict.pk}/"]
    assert dt.datetime.fromisoformat(shown) == latest.created_at
