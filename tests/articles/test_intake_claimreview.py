"""Other fact-checkers' ClaimReview: from a page's JSON-LD or microdata, and from JSON files."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.intake import views as intake_views
from articles.intake.claimreview import (
    claimreviews_from_html,
    claimreviews_from_json,
    external_factchecks_store,
)
from articles.models import ExternalFactCheck
from articles.search import SEARCH_QUERY_MAX
from claims.models import Verdict
from tests.api_clients import client_with
from tests.factories import UserFactory, fact_checker

pytestmark = pytest.mark.django_db

RAIL_REVIEW = {
    "@type": "ClaimReview",
    "url": "https://checkers.example/rail-fares",
    "claimReviewed": "Rail ticket prices rose by <b>20 percent</b> in 2026.",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Ben Ortiz"},
        "datePublished": "2026-11-17",
    },
    "author": {
        "@type": "Organization",
        "name": "Checkers Example",
        "url": "https://checkers.example/",
    },
    "datePublished": "2026-11-20",
    "inLanguage": "en",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "2",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "Mostly false",
    },
}
JSON_LD = {
    "@context": "https://schema.org",
    "@graph": [{"@type": "WebPage", "name": "Fact check: rail fares"}, RAIL_REVIEW],
}
JSON_LD_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>Fact check: rail fares</title>'
    f'<script type="application/ld+json">{json.dumps(JSON_LD)}</script></head>'
    "<body><h1>Fact check: rail fares</h1></body></html>"
)

MICRODATA_PAGE = """<!DOCTYPE html><html lang="de"><head><title>Faktencheck</title></head><body>
<div itemscope itemtype="https://schema.org/ClaimReview">
  <link itemprop="url" href="https://pruefer.example/arbeitslosigkeit">
  <meta itemprop="datePublished" content="2026-10-02">
  <span itemprop="claimReviewed">Die Arbeitslosigkeit ist auf 3 Prozent gefallen.</span>
  <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
    <span itemprop="name">Prüfer Example</span></div>
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
    <span itemprop="alternateName">Richtig</span>
    <meta itemprop="ratingValue" content="5"><meta itemprop="bestRating" content="5">
  </div>
</div></body></html>"""

FACT_CHECK_TOOLS_EXPORT = {
    "claims": [
        {
            "text": "The budget grew by 40 percent since 2020.",
            "claimant": "The mayor",
            "claimDate": "2026-11-18T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Budget Watch", "site": "budgetwatch.example"},
                    "url": "https://budgetwatch.example/checks/40-percent",
                    "title": "Did the budget grow 40 percent?",
                    "reviewDate": "2026-11-21T10:00:00Z",
                    "textualRating": "Half true",
                    "languageCode": "en",
                }
            ],
        }
    ]
}


def test_claimreview_is_read_from_a_pages_json_ld():
    items = claimreviews_from_html(JSON_LD_PAGE, url="https://checkers.example/rail-fares")
    result = external_factchecks_store(items, imported_from="https://checkers.example/rail-fares")
    assert (result.created, result.updated, result.errors) == (1, 0, [])
    check = ExternalFactCheck.objects.get()
    assert check.claim_reviewed == "Rail ticket prices rose by 20 percent in 2026."  # no markup
    assert check.claimant == "Ben Ortiz" and check.claim_date.isoformat() == "2026-11-17"
    assert check.publisher_name == "Checkers Example"
    assert check.publisher_url == "https://checkers.example/"
    assert (check.rating_text, check.rating_value, check.best_rating, check.worst_rating) == (
        "Mostly false",
        2.0,
        5.0,
        1.0,
    )
    assert check.review_date.isoformat() == "2026-11-20" and check.language == "en"


@pytest.mark.parametrize(
    "in_language, stored",
    [
        ("pt-BR", "pt-br"),
        ({"@type": "Language", "name": "English"}, "en"),
        ("Spanish", "es"),
        ("xx", ""),  # the shape of a code, but no language's
        ("the language of the page", ""),  # nor a name: not known, and the review kept
    ],
)
def test_a_reviews_language_is_a_code_the_filters_know_or_none(in_language, stored):
    review = {**RAIL_REVIEW, "inLanguage": in_language}
    result = external_factchecks_store(claimreviews_from_json(review))
    assert (result.created, result.errors) == (1, [])
    assert ExternalFactCheck.objects.get().language == stored


def test_claimreview_is_read_from_microdata():
    items = claimreviews_from_html(MICRODATA_PAGE, url="https://pruefer.example/a")
    external_factchecks_store(items, imported_from="https://pruefer.example/a")
    check = ExternalFactCheck.objects.get()
    assert check.claim_reviewed == "Die Arbeitslosigkeit ist auf 3 Prozent gefallen."
    assert check.publisher_name == "Prüfer Example" and check.rating_text == "Richtig"
    assert check.url == "https://pruefer.example/arbeitslosigkeit"


def test_a_fact_check_tools_export_and_a_single_object_are_read():
    items = claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT)
    single = claimreviews_from_json(RAIL_REVIEW)
    result = external_factchecks_store(items + single)
    assert result.created == 2
    check = ExternalFactCheck.objects.get(publisher_name="Budget Watch")
    assert check.claim_reviewed == "The budget grew by 40 percent since 2020."
    assert check.claimant == "The mayor" and check.rating_text == "Half true"
    assert check.publisher_url == "https://budgetwatch.example/"
    assert check.review_date.isoformat() == "2026-11-21"


def test_importing_the_same_review_again_updates_it(tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(FACT_CHECK_TOOLS_EXPORT), encoding="utf-8")
    call_command("import_claimreviews", str(path))
    corrected = copy.deepcopy(FACT_CHECK_TOOLS_EXPORT)
    corrected["claims"][0]["claimReview"][0]["textualRating"] = "Mostly true"
    path.write_text(json.dumps(corrected), encoding="utf-8")
    call_command("import_claimreviews", str(path))
    output = capsys.readouterr().out
    assert "1 ClaimReview found, 1 new, 0 updated, 0 unchanged, 0 refused" in output
    assert "1 ClaimReview found, 0 new, 1 updated, 0 unchanged, 0 refused" in output
    assert ExternalFactCheck.objects.get().rating_text == "Mostly true"


def test_importing_the_same_review_unchanged_says_unchanged_and_leaves_its_row(tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(FACT_CHECK_TOOLS_EXPORT), encoding="utf-8")
    call_command("import_claimreviews", str(path))
    stored = ExternalFactCheck.objects.get()
    call_command("import_claimreviews", str(path))
    assert "1 ClaimReview found, 0 new, 0 updated, 1 unchanged, 0 refused" in (
        capsys.readouterr().out
    )
    again = ExternalFactCheck.objects.get()
    assert again.updated_at == stored.updated_at  # the matching sweeper's window does not move
    # Twice in one file: the second is the first again, not an update.
    twice = external_factchecks_store(claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT) * 2)
    assert (twice.created, twice.updated, twice.unchanged) == (0, 0, 2)
    # A real change is an update.
    changed = claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT)[0]
    changed["reviewRating"]["alternateName"] = "Half true."
    assert external_factchecks_store([changed]).updated == 1
    assert ExternalFactCheck.objects.get().rating_text == "Half true."


def test_the_command_imports_from_a_fact_check_page_url(intake_server, capsys):
    intake_server.set("/checks/rail", JSON_LD_PAGE)
    call_command("import_claimreviews", intake_server.url("/checks/rail"))
    assert "1 ClaimReview found, 1 new" in capsys.readouterr().out
    assert ExternalFactCheck.objects.get().imported_from == intake_server.url("/checks/rail")


def test_the_command_reports_bad_sources_and_items(intake_server, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps([{"@type": "ClaimReview", "url": "https://x.example/a"}, {"@type": "Thing"}]),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(CommandError, match="Some sources gave no ClaimReview"):
        call_command("import_claimreviews", str(bad), str(broken), intake_server.url("/missing"))
    captured = capsys.readouterr()
    assert "ClaimReview 1: the ClaimReview has no claimReviewed and no author" in captured.out
    assert "broken.json: not valid JSON (Expecting property name" in captured.err
    assert "the page answered 404" in captured.err
    assert not ExternalFactCheck.objects.exists()


def test_the_command_names_a_folder_a_missing_file_and_bytes_not_utf8_as_every_command_does(
    tmp_path, capsys
):
    folder = tmp_path / "reviews.json"
    folder.mkdir()
    binary = tmp_path / "bin.json"
    binary.write_bytes(b'\xff\xfe{"a": 1}')
    page_folder = tmp_path / "page.html"
    page_folder.mkdir()
    sources = [folder, tmp_path / "missing.json", binary, page_folder]
    with pytest.raises(CommandError, match="Some sources gave no ClaimReview"):
        call_command("import_claimreviews", *map(str, sources))
    assert capsys.readouterr().err.splitlines() == [
        f"{folder} is a folder, not a text file.",
        f"{tmp_path / 'missing.json'}: no such file.",
        f"{binary} is not valid UTF-8 (byte 0): save it as UTF-8.",
        f"{page_folder} is a folder, not a text file.",
    ]


def test_a_source_nested_too_deeply_is_reported_not_a_traceback(tmp_path, capsys):
    # json.loads (the command's and extruct's) recurses once per level: RecursionError.
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    deep_page = tmp_path / "deep.html"
    deep_page.write_text(
        '<html><head><script type="application/ld+json">'
        + "[" * 100_000
        + "]" * 100_000
        + "</script></head><body>x</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Some sources gave no ClaimReview"):
        call_command(
            "import_claimreviews",
            str(deep_json),
            str(deep_page),
            "--base-url",
            "https://x.example/",
        )
    assert capsys.readouterr().err.count("nested too deeply") == 2
    assert not ExternalFactCheck.objects.exists()


def test_external_fact_checks_are_never_the_desks_verdicts(client):
    external_factchecks_store(claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT))
    assert not Verdict.objects.exists()
    listing = client_with().get("/api/v1/verdicts/").json()
    assert listing["results"] == []
    client.force_login(fact_checker())
    page = client.get("/intake/fact-checks/?q=budget").content.decode()
    assert "<strong>Budget Watch</strong>" in page and "Half true" in page
    assert "not this desk" in page
    client.force_login(UserFactory(is_staff=False))
    assert client.get("/intake/fact-checks/").status_code == 403


def test_a_fact_check_search_holding_a_nul_is_refused_as_every_desk_search_refuses_it(client):
    external_factchecks_store(claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT))
    client.force_login(fact_checker())
    odd = client.get("/intake/fact-checks/", {"q": "bud\x00get"})
    assert odd.status_code == 400
    page = odd.content.decode()
    assert "The search holds a NUL character (at character 4), which cannot be searched for" in page
    assert "<strong>Budget Watch</strong>" not in page  # no list for a search it did not run


def test_a_fact_check_search_too_long_is_refused_in_the_words_of_every_search(client):
    external_factchecks_store(claimreviews_from_json(FACT_CHECK_TOOLS_EXPORT))
    client.force_login(fact_checker())
    too_long = client.get("/intake/fact-checks/", {"q": "budget " + "x" * SEARCH_QUERY_MAX})
    assert too_long.status_code == 400
    page = too_long.content.decode()
    assert "A search can be at most 2,000 characters long." in page
    assert "<strong>Budget Watch</strong>" not in page  # no list for a search it did not run
    longest = client.get("/intake/fact-checks/", {"q": "budget".ljust(SEARCH_QUERY_MAX, "x")})
    assert longest.status_code == 200 and f'maxlength="{SEARCH_QUERY_MAX}"' in longest.text


def review(url: str, **changes) -> dict:
    return {**copy.deepcopy(RAIL_REVIEW), "url": url, **changes}


def test_a_review_holding_text_no_column_can_store_is_refused_and_the_rest_stored():
    # JSON's "\u0000" is a NUL (PostgreSQL stores none, in text or jsonb) and "\ud800" half a
    # surrogate pair (not UTF-8): each refuses its own review, not the whole import.
    items = [
        review("https://x.example/nul", claimReviewed="Rail fares\u0000 rose."),
        review("https://x.example/nul-in-raw", extra={"note": "a\u0000b"}),
        review("https://x.example/surrogate", claimReviewed="Rail fares rose \ud800."),
        review("https://x.example/fine"),
    ]
    result = external_factchecks_store(items)
    assert result.errors == [
        "ClaimReview 1: claimReviewed holds a null character, which no text can store",
        "ClaimReview 2: extra.note holds a null character, which no text can store",
        "ClaimReview 3: claimReviewed holds a lone surrogate (U+D800), which is not text",
    ]
    assert list(ExternalFactCheck.objects.values_list("url", flat=True)) == [
        "https://x.example/fine"
    ]


def test_a_fact_check_tools_export_with_odd_types_is_read_not_a_traceback():
    export = {
        "claims": [
            {"text": "One.", "claimReview": 5},
            {
                "text": "Two.",
                "claimReview": [
                    "not a review",
                    {
                        "publisher": {"name": "Watch", "site": 5},
                        "url": "https://watch.example/two",
                        "textualRating": ["False"],
                    },
                ],
            },
            7,
        ]
    }
    items = claimreviews_from_json(export)
    assert [item["url"] for item in items] == ["https://watch.example/two"]
    stored = external_factchecks_store(items).items[0]
    assert (stored.publisher_name, stored.publisher_url, stored.rating_text) == (
        "Watch",
        "",
        "False",
    )


@pytest.mark.parametrize(
    ("rating", "stored"),
    [
        ({"ratingValue": "2", "bestRating": "5", "worstRating": "1"}, (2.0, 5.0, 1.0)),
        ({"ratingValue": 99, "bestRating": 5, "worstRating": 1}, (None, 5.0, 1.0)),
        ({"ratingValue": 4, "bestRating": 1, "worstRating": 5}, (4.0, 1.0, 5.0)),  # low is best
        ({"ratingValue": "NaN"}, (None, None, None)),
        ({"ratingValue": "1e999", "bestRating": "Infinity"}, (None, None, None)),
        ({"ratingValue": True}, (None, None, None)),
    ],
)
def test_rating_numbers_that_are_not_on_the_scale_are_left_out(rating, stored):
    item = review("https://x.example/rating", reviewRating={"alternateName": "False", **rating})
    factcheck = external_factchecks_store([item]).items[0]
    factcheck.refresh_from_db()
    assert (factcheck.rating_value, factcheck.best_rating, factcheck.worst_rating) == stored
    assert factcheck.rating_text == "False"


def test_a_json_file_saved_with_a_byte_order_mark_is_read(tmp_path, capsys):
    path = tmp_path / "reviews.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(RAIL_REVIEW).encode("utf-8"))
    call_command("import_claimreviews", str(path))
    assert "1 ClaimReview found, 1 new" in capsys.readouterr().out


def test_a_broken_json_ld_block_does_not_hide_the_pages_claimreview():
    page = JSON_LD_PAGE.replace(
        "<head>",
        '<head><script type="application/ld+json">{"@type": "WebSite", "name": </script>',
        1,
    )
    items = claimreviews_from_html(page, url="https://checkers.example/rail-fares")
    assert [item["url"] for item in items] == ["https://checkers.example/rail-fares"]
    # extruct's leniency stays: a comment line and a trailing comma are read.
    trailing_comma = json.dumps(RAIL_REVIEW)[:-1] + ",}"
    lenient = JSON_LD_PAGE.replace(json.dumps(JSON_LD), f"\n// fact check\n{trailing_comma}")
    assert len(claimreviews_from_html(lenient, url="https://checkers.example/")) == 1


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (
            '<html><head><script type="application/ld+json">{broken</script></head>'
            "<body>x</body></html>",
            "JSON-LD block 1 of the page is not valid JSON",
        ),
        ("", "the page is empty"),
    ],
)
def test_a_page_with_only_broken_json_ld_or_nothing_at_all_says_so(tmp_path, capsys, page, reason):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(CommandError, match="Some sources gave no ClaimReview"):
        call_command("import_claimreviews", str(path), "--base-url", "https://x.example/")
    assert reason in capsys.readouterr().err


def test_a_fact_check_page_is_read_in_its_own_charset(intake_server, capsys):
    page = JSON_LD_PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').replace(
        "Rail ticket prices", "Les tarifs ferroviaires (café)"
    )
    intake_server.set(
        "/checks/fr", page.encode("iso-8859-1"), content_type="text/html; charset=iso-8859-1"
    )
    call_command("import_claimreviews", intake_server.url("/checks/fr"))
    assert "1 ClaimReview found, 1 new" in capsys.readouterr().out
    assert ExternalFactCheck.objects.get().claim_reviewed.startswith(
        "Les tarifs ferroviaires (café) rose by 20 percent"
    )


def test_every_text_field_over_its_cap_refuses_its_review_naming_the_field_and_the_cap():
    long_url = "https://x.example/" + "a" * 2000  # Django's URL check allows 2,048 characters
    items = [
        review("https://x.example/long-claim", claimReviewed="Rail fares rose. " * 200),
        review(long_url),
        review(
            "https://x.example/long-rating",
            reviewRating={"alternateName": "False" + " indeed" * 100},
        ),
        review("https://x.example/long-publisher", author={"name": "Checkers " * 40}),
        review("https://x.example/long-claimant", itemReviewed={"author": {"name": "B" * 501}}),
        review("https://x.example/claim-at-the-cap", claimReviewed="r" * 2000),
    ]
    result = external_factchecks_store(items)
    assert result.errors == [
        "ClaimReview 1: claimReviewed has 3,399 characters; the most kept is 2,000 (a claim "
        "reviewed is a sentence or two: a longer text is most likely the article, not the claim)",
        "ClaimReview 2: url has 2,018 characters; the most kept is 2,000 (longer addresses are "
        "not links a reader can follow)",
        "ClaimReview 3: reviewRating has 705 characters; the most kept is 500 (a rating is a "
        "word or a phrase)",
        "ClaimReview 4: author has 359 characters; the most kept is 300 (a publisher's name)",
        "ClaimReview 5: itemReviewed.author has 501 characters; the most kept is 500 (a "
        "claimant's name)",
    ]
    stored = ExternalFactCheck.objects.get()
    assert stored.claim_reviewed == "r" * 2000


def test_each_cap_fits_its_column():
    from articles.intake.claimreview import TEXT_CAPS

    for _name, field_name, cap, _reason in TEXT_CAPS:
        column = ExternalFactCheck._meta.get_field(field_name).max_length
        assert column is None or cap <= column, field_name
    assert {field_name for _, field_name, _, _ in TEXT_CAPS} == {
        "claim_reviewed",
        "url",
        "publisher_url",
        "rating_text",
        "publisher_name",
        "claimant",
    }  # not the language: a code or nothing (_language), never too long for its column


def test_control_characters_in_a_reviews_texts_are_never_stored():
    item = review(
        "https://x.example/controls",
        claimReviewed="Rail\u0001 fares\u000b rose\u007f.",
        author={"name": "Checkers\u001fExample"},
        itemReviewed={"author": {"name": "\u0007Ben Ortiz"}},
        reviewRating={"alternateName": "Mostly\u0085false"},
    )
    result = external_factchecks_store([item])
    assert result.errors == []
    stored = ExternalFactCheck.objects.get()
    assert (stored.claim_reviewed, stored.publisher_name) == (
        "Rail fares rose.",
        "Checkers Example",
    )
    assert (stored.claimant, stored.rating_text) == ("Ben Ortiz", "Mostly false")


def test_the_raw_review_kept_has_its_control_characters_dropped_by_the_same_rule():
    item = review(
        "https://x.example/raw-controls",
        claimReviewed="Rail\u0001 fares\u000b rose\u007f.",
        author={"name": "Checkers\u001fExample"},
        reviewBody="Line one.\nLine\u0007 two\u0085three\u009b.",
        **{"note\u0002": ["deep\u0003", {"deeper": "x\u001cy"}]},
    )
    result = external_factchecks_store([item])
    assert result.errors == []
    stored = ExternalFactCheck.objects.get()
    stored.refresh_from_db()  # as the JSON column gives it back
    text = json.dumps(stored.raw, ensure_ascii=False)
    controls = [char for char in text if ord(char) < 32 or 127 <= ord(char) < 160]
    assert controls == []
    # The rule of the fields: dropped, or a space where they part words; line breaks kept.
    assert stored.raw["claimReviewed"] == "Rail fares rose."
    assert stored.raw["author"]["name"] == "Checkers Example"
    assert stored.raw["reviewBody"] == "Line one.\nLine two three."
    assert stored.raw["note"] == ["deep", {"deeper": "x y"}]


def test_a_review_dated_in_the_future_is_stored_without_the_dates_and_says_why():
    later = copy.deepcopy(RAIL_REVIEW)
    later["datePublished"] = "2099-01-01"
    later["itemReviewed"]["datePublished"] = "2099-01-01"
    result = external_factchecks_store([later])
    assert result.created == 1
    check = ExternalFactCheck.objects.get()
    assert check.claim_date is None and check.review_date is None
    assert result.errors == []
    assert result.notes == [
        "ClaimReview 1 (stored): its claim date is left out. Stored without a publication date: "
        "The publication date 2099-01-01 is in the future: an article can be dated from "
        "1800-01-01 to tomorrow.",
        "ClaimReview 1 (stored): its review date is left out. Stored without a publication date: "
        "The publication date 2099-01-01 is in the future: an article can be dated from "
        "1800-01-01 to tomorrow.",
    ]


def test_the_command_counts_a_review_stored_without_its_future_date_as_stored_not_refused(
    tmp_path, capsys
):
    later = copy.deepcopy(RAIL_REVIEW)
    later["datePublished"] = "2099-01-01"
    unnamed = copy.deepcopy(RAIL_REVIEW)
    unnamed["url"] = "https://checkers.example/other"
    del unnamed["author"]
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([later, unnamed]), encoding="utf-8")
    call_command("import_claimreviews", str(path))
    output = capsys.readouterr().out
    assert "2 ClaimReview found, 1 new, 0 updated, 0 unchanged, 1 refused" in output
    assert "  ClaimReview 2: the ClaimReview has no author" in output
    assert (
        "  ClaimReview 1 (stored): its review date is left out. Stored without a publication"
        in (output)
    )
    assert "ClaimReview 1:" not in output


def _imported(count: int, claim: str) -> None:
    ExternalFactCheck.objects.bulk_create(
        ExternalFactCheck(
            claim_reviewed=f"{claim} ({n})",
            publisher_name="Rate Check",
            url=f"https://rates.example/{n}",
            identity=f"{n:064d}",
        )
        for n in range(count)
    )


def test_a_broad_fact_check_search_stops_counting_at_the_cap_and_says_to_narrow_it(
    client, monkeypatch
):
    monkeypatch.setattr(intake_views, "FACTCHECK_SEARCH_COUNT_CAP", 60)
    _imported(61, "The rate doubled")
    client.force_login(fact_checker())
    with CaptureQueriesContext(connection) as queries:
        broad = client.get("/intake/fact-checks/", {"q": "rate"})
    page = broad.content.decode()
    assert broad.status_code == 200
    assert "More than 60 fact-checks match; only the first 60 are listed." in page
    assert "Narrow the search" in page and "Page 1 of 2" in page
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1 and "LIMIT 61" in counts[0]  # not a count of every match
    # Past the cap there is no page: the last one is shown, as for any page out of range. The
    # list is newest first, so the first imported is the 61st match, the one not listed.
    beyond = client.get("/intake/fact-checks/", {"q": "rate", "page": "3"}).content.decode()
    assert "Page 2 of 2" in beyond and "The rate doubled (1)" in beyond
    assert "The rate doubled (0)" not in beyond


def test_a_fact_check_search_under_the_cap_says_how_many_match(client, monkeypatch):
    monkeypatch.setattr(intake_views, "FACTCHECK_SEARCH_COUNT_CAP", 60)
    _imported(60, "The rate doubled")
    client.force_login(fact_checker())
    page = client.get("/intake/fact-checks/", {"q": "rate"}).content.decode()
    assert "60 fact-checks match." in page and "More than" not in page
    one = client.get("/intake/fact-checks/", {"q": "doubled (7)"}).content.decode()
    assert "1 fact-check matches." in one
    none = client.get("/intake/fact-checks/", {"q": "tripled"}).content.decode()
    assert "No external fact-checks match." in none and 'role="status"' not in none


def test_an_author_given_by_reference_in_the_graph_or_as_a_plain_name_is_read():
    by_reference = {
        **RAIL_REVIEW,
        "author": {"@id": "#org"},
        "itemReviewed": {**RAIL_REVIEW["itemReviewed"], "author": {"@id": "#ben"}},
    }
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            by_reference,
            {
                "@id": "#org",
                "@type": "Organization",
                "name": "GraphOrg",
                "url": "https://g.example/",
            },
            {"@id": "#ben", "@type": "Person", "name": "Ben Ortiz"},
        ],
    }
    page = JSON_LD_PAGE.replace(json.dumps(JSON_LD), json.dumps(graph))
    plain = {**RAIL_REVIEW, "url": "https://checkers.example/other", "author": "StringAuthor"}
    items = [*claimreviews_from_html(page, url="https://checkers.example/"), plain]
    result = external_factchecks_store(items)
    assert (result.created, result.errors) == (2, [])
    by_url = {item.url: item for item in result.items}
    graph_review = by_url["https://checkers.example/rail-fares"]
    assert (graph_review.publisher_name, graph_review.publisher_url) == (
        "GraphOrg",
        "https://g.example/",
    )
    assert graph_review.claimant == "Ben Ortiz"
    assert by_url["https://checkers.example/other"].publisher_name == "StringAuthor"


def test_a_reference_to_no_node_is_still_no_author():
    review = {**RAIL_REVIEW, "author": {"@id": "#missing"}}
    result = external_factchecks_store(claimreviews_from_json({"@graph": [review]}))
    assert result.errors == ["ClaimReview 1: the ClaimReview has no author"]


def test_a_broken_json_ld_blocks_reason_reads_as_a_sentence():
    page = (
        '<html><head><script type="application/ld+json">{"name": "unterminated</script></head>'
        "<body>x</body></html>"
    )
    with pytest.raises(ValidationError) as refused:
        claimreviews_from_html(page, url="https://x.example/")
    assert "(Unterminated string starting at line 1 column 10)" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("rating", "stored", "notes"),
    [
        ("False", ("False", None), []),  # a plain string is the rating's text
        (
            {"ratingValue": "banana"},
            ("banana", None),
            ['its ratingValue "banana" is not a number: it is kept as the rating\'s text.'],
        ),
        (
            {"ratingValue": 9, "bestRating": 5, "worstRating": 1},
            ("", None),
            [
                "its ratingValue 9 is left out: it is outside the review's scale, 1 to 5.",
                "it is stored without a rating: its reviewRating gives none that can be read.",
            ],
        ),
        (
            {"alternateName": "False", "ratingValue": 9, "bestRating": 5, "worstRating": 1},
            ("False", None),
            ["its ratingValue 9 is left out: it is outside the review's scale, 1 to 5."],
        ),
        (
            {"alternateName": "False", "ratingValue": "banana"},
            ("False", None),
            ['its ratingValue "banana" is left out: it is not a number.'],
        ),
        (
            {"ratingValue": True},
            ("", None),
            [
                "its ratingValue true is left out: it is not a number.",
                "it is stored without a rating: its reviewRating gives none that can be read.",
            ],
        ),
    ],
)
def test_a_rating_that_cannot_be_read_whole_is_stored_with_a_note_of_what_is_left_out(
    rating, stored, notes
):
    result = external_factchecks_store([review("https://x.example/rating", reviewRating=rating)])
    assert (result.created, result.errors) == (1, [])
    factcheck = ExternalFactCheck.objects.get()
    assert (factcheck.rating_text, factcheck.rating_value) == stored
    assert result.notes == [f"ClaimReview 1 (stored): {note}" for note in notes]


def test_a_date_that_is_not_a_date_is_left_out_with_a_note(tmp_path, capsys):
    item = review("https://x.example/dates", datePublished="yesterday")
    item["itemReviewed"]["datePublished"] = 20261117
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    call_command("import_claimreviews", str(path))
    output = capsys.readouterr().out
    assert "1 ClaimReview found, 1 new, 0 updated, 0 unchanged, 0 refused" in output
    assert (
        "  ClaimReview 1 (stored): its claim date 20261117 is left out: it is not a date "
        "(give one as 2026-11-20)."
    ) in output
    assert '  ClaimReview 1 (stored): its review date "yesterday" is left out' in output
    factcheck = ExternalFactCheck.objects.get()
    assert (factcheck.claim_date, factcheck.review_date) == (None, None)


def test_a_list_of_claims_stores_the_first_and_says_how_many_were_left_out():
    item = review("https://x.example/claims", claimReviewed=["Taxes doubled.", "", "Fares rose."])
    result = external_factchecks_store([item])
    assert ExternalFactCheck.objects.get().claim_reviewed == "Taxes doubled."
    assert result.notes == [
        "ClaimReview 1 (stored): its claimReviewed lists 2 claims; only the first is kept "
        "(1 left out)."
    ]


@pytest.mark.parametrize(
    ("claim", "stored"),
    [
        ("<p>Taxes <script>alert(1)</script>doubled.</p>", "Taxes doubled."),
        ("<p>Taxes</p><p>doubled.</p>", "Taxes doubled."),
        ("Taxes<br>doubled <style>p {color: red}</style>in <b>2026</b>.", "Taxes doubled in 2026."),
        ("<<b>script>alert(1)<</b>/script>Taxes doubled.", "Taxes doubled."),
        # Entities read: stored "&lt;" showed as written on the escaped pages.
        ("Tax<i>es</i> doubled by 5 &lt; 10 &amp; more.", "Taxes doubled by 5 < 10 & more."),
        # A script tag never closed is prose about one, not hidden text to the end.
        (
            "Hackers used the <script> tag to steal 2 million passwords.",
            "Hackers used the <script> tag to steal 2 million passwords.",
        ),
    ],
)
def test_a_claim_written_as_html_keeps_only_the_words_a_reader_sees(claim, stored):
    external_factchecks_store([review("https://x.example/html", claimReviewed=claim)])
    assert ExternalFactCheck.objects.get().claim_reviewed == stored
