"""The review desk's and the public pages' structure, rendered through the client with the real
roles: landmarks, headings, labels, tables, errors (the checks are in tests/a11y.py)."""

import pytest
from django.urls import reverse

from articles.models import Article
from claims.matching import group_changes
from claims.models import Claim, Speaker
from tests.a11y import assert_accessible, error_summary, text_of
from tests.factories import (
    SpeakerFactory,
    UserFactory,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = (
    "The mayor said crime fell by 40 percent last year. Residents were not sure. "
    "Officials said 3 million dollars went to the police. The city hired 200 officers. "
    "The weather was mild."
)


@pytest.fixture
def desk(client, django_capture_on_commit_callbacks):
    """An article analysed by the (fake) model, its claims, one published verdict and one in
    review: what a working desk shows."""
    checker = fact_checker(username="checker")
    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("articles:submit"),
            {"title": "Crime figures", "outlet": "Springfield Times", "body": BODY},
        )
    article = Article.objects.get()
    first, second, third = Claim.objects.filter(article=article).order_by("start")[:3]
    speaker = SpeakerFactory(name="Jane Mayor", slug="jane-mayor")
    Claim.objects.filter(pk=first.pk).update(speaker=speaker)
    published = published_verdict(claim=first, author=fact_checker(username="writer"), sources=2)
    submitted_verdict(claim=second, author=fact_checker(username="other"))
    # A repeat of the published claim: its page shows the "seen before" panel and its actions.
    group_changes.claim_group_link(claim=third, earlier=first)
    SpeakerFactory(name="Mayor", slug="mayor-short")  # a likely duplicate of Jane Mayor
    return {
        "checker": checker,
        "article": article,
        "published": published,
        "second": second,
        "repeat": third,
    }


def as_editor(client):
    client.force_login(editor(username="boss"))


def test_the_queue_is_structured_and_labelled(client, desk):
    soup = assert_accessible(client.get(reverse("claims:queue")), title="Claim queue")
    caption = soup.find("table", class_="queue").caption
    assert "highest priority and check-worthiness first" in text_of(caption)
    order = soup.find("select", attrs={"name": "sort"})
    # The sort and the filters are plain form controls in a GET form: the keyboard reaches them.
    assert order.find_parent("form").get("method") == "get"
    assert soup.find("button", string="Filter") is not None


def test_a_bad_queue_filter_is_summarised_and_tied_to_its_field(client, desk):
    response = client.get(reverse("claims:queue"), {"score_min": "2"})
    soup = assert_accessible(response, title="Claim queue")
    summary = error_summary(soup)
    link = summary.find("a", href="#id_score_min")
    assert link is not None and "Score from" in text_of(link)
    field = soup.find(id="id_score_min")
    assert "id_score_min_error" in field["aria-describedby"].split()


def test_the_claim_page_with_the_verdict_form_is_accessible(client, desk):
    claim = Claim.objects.filter(article=desk["article"], verdict__isnull=True).first()
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    assert soup.find(attrs={"data-error-summary": True}) is None
    assert soup.find("label", attrs={"for": "id_rating"}) is not None
    # The empty choice says what to do, not Django's "---------".
    first = soup.find(id="id_rating").find("option")
    assert first["value"] == "" and text_of(first) == "Choose a rating"


def test_each_evidence_source_is_a_group_named_by_its_number(client, desk):
    # Three sources each have a "URL", a "Title" and a "Note": read alone, the labels did not
    # say which source a field belongs to.
    claim = Claim.objects.filter(article=desk["article"], verdict__isnull=True).first()
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    for number in (1, 2, 3):
        url = soup.find(attrs={"name": f"sources-{number - 1}-url"})
        group = url.find_parent(attrs={"role": "group"})
        assert text_of(soup.find(id=group["aria-labelledby"])) == f"Source {number}"


def test_a_failed_correction_names_each_wrong_field_at_the_top(client, desk):
    as_editor(client)
    claim = desk["published"].claim
    response = client.post(
        reverse("claims:correct", args=[claim.pk]),
        {
            "correct-version": desk["published"].version,
            "correct-rating": "",
            "correct-conclusion": "",
            "correct-note": "",
            "correct-sources-TOTAL_FORMS": "1",
            "correct-sources-INITIAL_FORMS": "0",
            "correct-sources-MIN_NUM_FORMS": "1",
            "correct-sources-MAX_NUM_FORMS": "20",
            "correct-sources-0-url": "not a url",
            "correct-sources-0-title": "",
        },
    )
    soup = assert_accessible(response, title=f"Claim #{claim.pk}", status=400)
    summary = error_summary(soup)
    wrong = {soup.find(id=link["href"][1:])["name"] for link in summary.find_all("a")}
    assert {"correct-rating", "correct-conclusion", "correct-note"} <= wrong
    assert {"correct-sources-0-url", "correct-sources-0-title"} <= wrong
    # A source's field is named as on the form ("URL"), not lowercased ("url").
    assert (
        "Source 1, URL: The source's URL is not a web address: give it in full, such as "
        "https://example.org/story."
    ) in [text_of(link) for link in summary("a")]
    # The fields required for a correction say so where they are.
    note = soup.find(attrs={"name": "correct-note"})
    assert "(required)" in text_of(soup.find("label", attrs={"for": note["id"]}))


def test_the_review_queue_and_the_claim_under_review_are_accessible(client, desk):
    as_editor(client)
    assert_accessible(client.get(reverse("claims:review_queue")), title="Review queue")
    claim = desk["second"]
    assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("claims:dashboard", "Dashboard"),
        ("claims:desk_history", "Desk history"),
        ("claims:speaker_duplicates", "Possible duplicate speakers"),
        ("claims:speakers", "Speakers"),
    ],
)
def test_the_editors_pages_are_accessible(client, desk, name, title):
    as_editor(client)
    assert_accessible(client.get(reverse(name)), title=title)


def test_a_refused_speaker_correction_is_accessible(client, desk):
    as_editor(client)
    speaker = Speaker.objects.get(slug="jane-mayor")
    failed = client.post(reverse("claims:speaker_edit", args=[speaker.slug]), {"name": "\u200b"})
    soup = assert_accessible(failed, title="Jane Mayor", status=400)
    assert "#edit-name" in {link["href"] for link in error_summary(soup).find_all("a")}
    # The form sits in a disclosure; it comes back open so the summary and field are seen.
    assert soup.find(id="edit-name").find_parent("details").has_attr("open")


def test_the_speaker_claim_and_group_history_pages_are_accessible(client, desk):
    as_editor(client)
    speaker = Speaker.objects.get(slug="jane-mayor")
    soup = assert_accessible(
        client.get(reverse("claims:speaker_detail", args=[speaker.slug])), title="Jane Mayor"
    )
    # The merge buttons of the likely duplicate say which way each merges.
    assert "Merge Jane Mayor into Mayor" in [text_of(b) for b in soup.find_all("button")]
    claim = desk["published"].claim
    assert_accessible(
        client.get(reverse("claims:history", args=[claim.pk])), title=f"claim #{claim.pk}"
    )
    claim.refresh_from_db()
    soup = assert_accessible(
        client.get(reverse("claims:group_history", args=[claim.group_id])),
        title=f"Claim group #{claim.group_id}",
    )
    assert len(soup.find("table").tbody.find_all("tr")) == 2


def test_the_public_pages_are_accessible_to_a_visitor(client, desk):
    client.logout()
    verdict = desk["published"]
    assert_accessible(client.get(reverse("claims:public_index")), title="Fact-checks")
    soup = assert_accessible(
        client.get(reverse("claims:public", args=[verdict.pk])), title="Fact-check:"
    )
    assert text_of(soup.h1) == verdict.claim.text


def test_a_bad_public_search_is_summarised(client, desk):
    client.logout()
    response = client.get(reverse("claims:public_index"), {"rating": "no-such-rating"})
    soup = assert_accessible(response, title="Fact-checks", status=400)
    assert "Choose one of the ratings listed." in text_of(error_summary(soup))


def test_the_current_page_is_marked_in_the_main_navigation(client, desk):
    soup = assert_accessible(client.get(reverse("claims:queue")), title="Claim queue")
    current = soup.find("nav", attrs={"aria-label": "Main"}).find_all(
        "a", attrs={"aria-current": "page"}
    )
    assert [text_of(link) for link in current] == ["Queue"]


def test_a_message_after_an_action_is_announced(client, desk):
    claim = Claim.objects.filter(article=desk["article"], verdict__isnull=True).first()
    response = client.post(reverse("claims:assign", args=[claim.pk]), follow=True)
    soup = assert_accessible(response, title=f"Claim #{claim.pk}")
    messages = soup.find(class_="messages")
    assert messages is not None and messages["role"] in {"status", "alert"}
    assert text_of(messages)


def test_log_in_and_password_change_pages_are_accessible(client, desk):
    assert_accessible(client.get(reverse("password_change")), title="Change password")
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    soup = assert_accessible(response, title="Change password", status=400)
    assert "#id_old_password" in {a["href"] for a in error_summary(soup).find_all("a")}
    client.logout()
    assert_accessible(client.get(reverse("login")), title="Log in")
    failed = client.post(reverse("login"), {"username": "checker", "password": "wrong"})
    soup = assert_accessible(failed, title="Log in", status=400)
    assert soup.find(id="id_password")["aria-describedby"] == "login-error"


def test_a_missing_page_is_accessible(client, desk):
    assert_accessible(client.get("/no-such-page/"), title="Page not found", status=404)


def test_a_published_claim_with_its_correction_form_is_accessible_to_an_editor(client, desk):
    as_editor(client)
    claim = desk["published"].claim
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    assert soup.find("summary", string="Correct this published verdict") is not None
    # The several forms on the page each carry their version without repeating an id.
    versions = soup.find_all("input", attrs={"name": ["version", "correct-version"]})
    assert versions and not any(version.has_attr("id") for version in versions)


def test_a_dismissed_claim_and_a_failed_dismissal_are_accessible(client, desk):
    claim = Claim.objects.filter(article=desk["article"], verdict__isnull=True).first()
    failed = client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": ""})
    soup = assert_accessible(failed, title=f"Claim #{claim.pk}", status=400)
    assert "#id_reason" in {link["href"] for link in error_summary(soup).find_all("a")}
    # The form sits in a disclosure; it comes back open so the summary and field are seen.
    assert soup.find(id="id_reason").find_parent("details").has_attr("open")
    client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": "An opinion."})
    assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )


def test_the_no_access_page_is_accessible(client, desk):
    client.force_login(UserFactory(username="nobody", is_staff=False))
    assert_accessible(client.get(reverse("claims:queue")), title="No access", status=403)


def test_a_repeat_of_a_published_claim_shows_an_accessible_seen_before_panel(client, desk):
    claim = desk["repeat"]
    soup = assert_accessible(
        client.get(reverse("claims:detail", args=[claim.pk])), title=f"Claim #{claim.pk}"
    )
    panel = soup.find("section", class_="seen-before")
    assert "Already checked" in text_of(panel)
    assert panel.find("input", attrs={"name": "target"}) is not None


def test_a_refused_bulk_action_is_an_alert_that_says_it_is_an_error(client, desk):
    response = client.post(reverse("claims:queue_bulk"), {"action": "assign"}, follow=True)
    soup = assert_accessible(response, title="Claim queue")
    [alert] = soup.find_all(class_="messages", attrs={"role": "alert"})
    assert text_of(alert) == "Error: Select the claims first."
