from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import Article, Outlet, SourceKind
from articles.services import (
    DuplicateArticle,
    article_create,
    body_content_hash,
    outlet_get_or_create,
    url_normalize,
)
from tests.factories import ArticleFactory, fact_checker

pytestmark = pytest.mark.django_db


def create(**overrides):
    fields = {
        "title": "Council budget",
        "body": "The council said the budget grew by 4 percent.",
        "source_kind": SourceKind.PASTED,
    } | overrides
    return article_create(**fields)


def test_it_stores_normalised_text_and_derives_the_outlet_from_the_url():
    article = create(
        body="The first line is here.\r\nThe second line follows.\r\n\r\n",
        url="https://WWW.Example.com/news/story/?utm_source=x&b=2&a=1#top",
    )
    assert article.body == "The first line is here.\nThe second line follows."
    assert article.url == "https://example.com/news/story?a=1&b=2"
    assert article.outlet.domain == "example.com"


def test_it_rejects_an_empty_article():
    with pytest.raises(ValidationError) as error:
        create(body="   \n\t ")
    assert "The article text is empty." in error.value.message_dict["body"]
    assert Article.objects.count() == 0


def test_it_rejects_text_over_the_configured_maximum(settings):
    settings.ARTICLE_MAX_CHARS = 100
    with pytest.raises(ValidationError) as error:
        create(body="x" * 101)
    assert "maximum is 100" in error.value.message_dict["body"][0]
    assert Article.objects.count() == 0


def test_it_rejects_bytes_that_are_not_utf8():
    with pytest.raises(ValidationError) as error:
        create(body=b"Caf\xe9 au lait costs 3 euros.")
    assert "not valid UTF-8" in error.value.message_dict["body"][0]
    assert Article.objects.count() == 0


def test_it_accepts_utf8_bytes():
    assert create(body="Café prices rose 3 percent.".encode()).body.startswith("Café")


def test_the_same_text_with_other_spacing_is_a_duplicate():
    first = create()
    with pytest.raises(DuplicateArticle) as error:
        create(title="Again", body="The council  said the budget\ngrew by 4 percent.")
    assert error.value.existing == first
    assert Article.objects.count() == 1


def test_the_same_url_is_a_duplicate_even_with_tracking_parameters():
    first = create(url="https://example.com/a")
    with pytest.raises(DuplicateArticle) as error:
        create(
            body="A different text entirely, about rail fares.",
            url="https://example.com/a/?utm_medium=feed",
        )
    assert error.value.existing == first


def test_it_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as error:
        create(title="", body="", url="not a url", source_kind="carrier-pigeon")
    assert set(error.value.message_dict) == {"title", "body", "url", "source_kind"}


def test_a_language_or_outlet_domain_that_is_not_one_is_refused_by_name():
    with pytest.raises(ValidationError) as error:
        create(language="<script>", outlet_domain="not a domain")
    assert error.value.message_dict == {
        "language": ["Use a language code such as 'en' or 'pt-br'."],
        "outlet": ["Give the outlet's domain, such as reuters.com."],
    }
    assert not Article.objects.exists()
    article = create(language=" PT-BR ", outlet_domain="WWW.Example.co.uk")
    assert article.language == "pt-br" and article.outlet.domain == "example.co.uk"


def test_the_database_refuses_duplicate_content_even_without_the_service():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        ArticleFactory(body=article.body + " ", content_hash=article.content_hash)


def test_the_database_refuses_a_duplicate_url_but_allows_many_without_one():
    ArticleFactory(url="")
    ArticleFactory(url="")
    ArticleFactory(url="https://example.com/x")
    with pytest.raises(IntegrityError):
        ArticleFactory(url="https://example.com/x")


def test_content_hash_ignores_whitespace_only():
    assert body_content_hash("a  b\nc") == body_content_hash("a b c")
    assert body_content_hash("a b c") != body_content_hash("a b d")


def test_url_normalize_rejects_other_schemes():
    with pytest.raises(ValidationError):
        url_normalize("ftp://example.com/file")


@pytest.mark.parametrize("url", ["https://example.com:99999/", "https://example.com:0/a"])
def test_url_normalize_refuses_a_port_no_connection_can_use(url):
    with pytest.raises(ValidationError) as refused:
        url_normalize(url)
    assert refused.value.messages == [
        f"{url!r} is not a valid http(s) URL: a port is a number from 1 to 65535."
    ]


def test_a_pasted_article_with_an_impossible_port_in_its_url_is_refused_and_not_stored(client):
    client.force_login(fact_checker())
    response = client.post(
        "/articles/new/",
        {"url": "https://example.com:99999/story", "title": "Budget", "body": "Taxes rose."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [
        "'https://example.com:99999/story' is not a valid http(s) URL: a port is a number "
        "from 1 to 65535."
    ]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "moment",
    [
        # Valid in Python, but 10000-01-01 and year 0 in UTC: PostgreSQL would store them and
        # every later read of the row would fail.
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5))),
        # Readable in UTC, but not in a zone a day away (year 0 west of UTC, 10000 east).
        datetime(1, 1, 1, 12, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
    ],
)
def test_it_rejects_a_publication_date_that_some_time_zone_cannot_show(moment):
    with pytest.raises(ValidationError) as error:
        create(published_at=moment)
    assert error.value.message_dict["published_at"] == [
        "The publication date is out of range: an article can be dated from 1800-01-01 to tomorrow."
    ]
    assert Article.objects.count() == 0


def test_the_last_moment_of_year_9998_is_in_range_but_refused_as_in_the_future():
    moment = datetime(9998, 12, 31, 23, 59, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        create(published_at=moment)
    assert error.value.message_dict["published_at"] == [
        "The publication date 9998-12-31 is in the future: an article can be dated from "
        "1800-01-01 to tomorrow."
    ]


@pytest.mark.parametrize(
    ("title", "body", "fields"),
    [
        ("\u200b\u200b", "The council said the budget grew by 4 percent.", {"title"}),
        ("\u202e\u2066", "The council said the budget grew by 4 percent.", {"title"}),
        ("Council budget", "\u200b\ufeff\u2060 \u200d\n\u00a0", {"body"}),
    ],
)
def test_text_made_only_of_invisible_characters_is_empty(title, body, fields):
    with pytest.raises(ValidationError) as error:
        create(title=title, body=body)
    assert set(error.value.message_dict) == fields
    assert Article.objects.count() == 0


def test_url_normalize_keeps_the_brackets_of_an_ipv6_host():
    assert url_normalize("http://[2001:db8::1]/a/") == "http://[2001:db8::1]/a"
    assert url_normalize("https://[2001:DB8::1]:8443/a") == "https://[2001:db8::1]:8443/a"


def test_control_characters_in_a_typed_title_or_outlet_are_never_stored():
    article = create(title="Council\x0bbudget\x07", outlet_name="The\x1b Daily\x7f")
    assert article.title == "Council budget"
    assert article.outlet.name == "The Daily"
    with pytest.raises(ValidationError, match="A title is required"):
        create(title="\x01\x02", body="Another text about 5 percent.")


def test_a_nul_or_half_a_surrogate_pair_is_refused_by_field_not_a_database_error():
    # The forms and the API refuse them first; load_seeds and the shell reached the INSERT.
    with pytest.raises(ValidationError) as error:
        create(title="Council\x00budget", outlet_name="The\x00Daily", byline="Ada \ud800")
    assert error.value.message_dict == {
        "title": [
            "The title holds a NUL character (at character 8), which cannot be saved: remove it."
        ],
        "outlet": [
            "The outlet's name holds a NUL character (at character 4), which cannot be saved: "
            "remove it."
        ],
        "byline": [
            "The byline holds half of a character (a lone surrogate, at character 5), which "
            "cannot be saved: type or paste that character again."
        ],
    }
    assert Article.objects.count() == 0


def test_bidi_controls_in_a_title_outlet_or_byline_are_never_stored():
    # The title and the outlet are published with the fact-check ("Claimed by ... in"), where
    # a U+202E turned the rest of the line around; the desk's own texts already drop them.
    article = create(
        title="\u202eCouncil budget\u202c",
        outlet_name="The \u2066Daily\u2069",
        byline="Ada\u202b Reporter\x07",
    )
    assert article.title == "Council budget"
    assert article.outlet.name == "The Daily"
    assert article.byline == "Ada Reporter"


def test_the_bidi_marks_of_right_to_left_titles_are_kept():
    assert create(title="\u05d0\u200f 2026").title == "\u05d0\u200f 2026"


@pytest.mark.parametrize(
    "given", ["reuters.com", "Reuters.com", "www.reuters.com", "https://www.Reuters.com/world/x"]
)
def test_an_outlet_given_by_its_domain_or_address_is_the_outlet_with_that_domain(given):
    reuters = Outlet.objects.create(name="Reuters", domain="reuters.com")
    assert outlet_get_or_create(name=given) == reuters
    assert Outlet.objects.count() == 1


def test_an_outlet_named_by_an_unknown_domain_is_created_with_that_domain():
    outlet = outlet_get_or_create(name="https://www.Example.org/path")
    assert (outlet.name, outlet.domain) == ("example.org", "example.org")
    assert outlet_get_or_create(name="example.org") == outlet
    # A plain name is matched by name, as before, and gets a placeholder domain.
    plain = outlet_get_or_create(name="News Example")
    assert (plain.name, plain.domain) == ("News Example", None)
    assert outlet_get_or_create(name="news example") == plain


def test_a_future_date_is_named_as_the_day_on_the_desk_s_calendar(settings):
    # The rule compares the desk's day; the message named the UTC one, which could read as
    # the allowed "tomorrow" (late evening UTC is already the day after in Auckland).
    from django.utils.timezone import localdate

    from articles.publication_dates import published_at_future_refusal

    settings.TIME_ZONE = "Pacific/Auckland"
    today = localdate()
    moment = datetime.combine(
        today + timedelta(days=2), time(0, 30), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    refusal = published_at_future_refusal(moment.astimezone(UTC))
    assert refusal.startswith(f"The publication date {today + timedelta(days=2):%Y-%m-%d} is in")
