"""Research notes on a claim: written and read on the desk, taken back only by their author,
never shown to the public or through the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from claims import notes
from claims.models import ClaimEvent, ClaimEventKind, ClaimNote
from tests.api_clients import key_client
from tests.factories import (
    ClaimFactory,
    UserFactory,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def add(client, claim, **data):
    return client.post(reverse("claims:note_add", args=[claim.pk]), data)


def test_a_note_shows_on_the_claim_page_with_its_author_link_and_on_the_history_page(
    client, checker
):
    claim = ClaimFactory()
    response = add(
        client, claim, text="Called the ministry: figures out Friday.", link="https://gov.example/"
    )
    assert response.status_code == 302 and response["Location"].endswith("#notes-heading")
    note = ClaimNote.objects.get()
    assert (note.claim, note.author, note.link) == (claim, checker, "https://gov.example/")
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Called the ministry: figures out Friday." in page
    assert 'href="https://gov.example/" rel="noopener noreferrer nofollow"' in page
    assert "Remove my note" in page
    history = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    assert "Research note" in history and "Called the ministry" in history


def test_a_link_copied_without_its_https_is_kept_as_an_https_link(client, checker):
    claim = ClaimFactory()
    response = add(client, claim, text="The ministry's table.", link="www.gov.example/table")
    assert response.status_code == 302
    assert ClaimNote.objects.get().link == "https://www.gov.example/table"


def test_a_link_with_an_impossible_port_is_refused_and_no_note_is_stored(client, checker):
    response = add(client, ClaimFactory(), text="The table.", link="https://gov.example:70000/")
    assert response.status_code == 400
    assert response.context["note_form"].errors["link"] == [
        "A link must be an http or https address: a port is a number from 1 to 65535."
    ]
    assert not ClaimNote.objects.exists()


@pytest.mark.parametrize(
    "link",
    [
        "http://[::1",  # an IPv6 host left unclosed, as a paste cut short leaves it
        "https://gov\u2100example/",  # a host whose NFKC form holds a "/": no host at all
    ],
)
def test_a_link_no_address_can_be_read_from_is_refused_not_an_error(client, checker, link):
    response = add(client, ClaimFactory(), text="The table.", link=link)
    assert response.status_code == 400
    assert response.context["note_form"].errors["link"] == [
        "A link must be an http or https address."
    ]
    assert not ClaimNote.objects.exists()


def test_the_same_note_sent_twice_is_stored_once_and_the_page_says_it_was_already_added(
    client, checker
):
    claim = ClaimFactory()
    data = {"text": "Called the ministry.", "link": "https://gov.example/"}
    client.post(reverse("claims:note_add", args=[claim.pk]), data, follow=True)
    again = client.post(reverse("claims:note_add", args=[claim.pk]), data, follow=True)
    assert again.redirect_chain[-1][0].endswith("#notes-heading")
    assert "This note was already added" in again.content.decode()
    assert "Note added." not in again.content.decode()
    assert ClaimNote.objects.count() == 1


def test_the_same_words_are_a_new_note_from_someone_else_with_another_link_or_later_on(checker):
    claim = ClaimFactory()
    first = notes.claim_note_add(claim=claim, author=checker, text="No answer yet.")
    notes.claim_note_add(claim=claim, author=fact_checker(), text="No answer yet.")
    notes.claim_note_add(claim=claim, author=checker, text="No answer yet.", link="gov.example")
    notes.claim_note_add(claim=ClaimFactory(), author=checker, text="No answer yet.")
    ClaimNote.objects.filter(pk=first.pk).update(
        created_at=first.created_at - notes.NOTE_RESEND_WINDOW
    )
    notes.claim_note_add(claim=claim, author=checker, text="No answer yet.")
    assert ClaimNote.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": ""}, "text", "Write what you found or did."),
        ({"text": " \u200b\n"}, "text", "Write what you found or did."),
        ({"text": "x" * 5001}, "text", "keep it to 5,000 characters (it has 5,001)"),
        (
            {"text": "Seen.", "link": "https://a.example.org/" + "x" * 2000},
            "link",
            "keep it to 2,000",
        ),
        # What was typed is counted, not the https:// the desk adds; and with separators.
        (
            {"text": "Seen.", "link": "a.example.org/" + "x" * 5986},
            "link",
            "The link is too long: keep it to 2,000 characters (it has 6,000).",
        ),
        (
            {"text": "Seen.", "link": "a.example.org/" + "x" * 1981},
            "link",
            "The link is too long with the https:// it is given: keep it to 1,992 characters "
            "(it has 1,995).",
        ),
        ({"text": "Seen.", "link": "javascript:alert(1)"}, "link", "http or https"),
        ({"text": "Seen.", "link": "not a link"}, "link", "http or https"),
    ],
)
def test_a_bad_note_is_a_400_that_says_why_and_keeps_what_was_typed(
    client, checker, data, field, message
):
    claim = ClaimFactory()
    response = add(client, claim, **data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["note_form"].errors[field])
    assert response.context["note_form"]["text"].value() == data["text"]
    assert not ClaimNote.objects.exists()


@pytest.mark.parametrize(
    "text, link, field, message",
    [
        ("a\x00b", "", "text", "The note holds a NUL character (at character 2)"),
        ("a \udc00 b", "", "text", "The note holds half of a character (a lone surrogate"),
        ("Seen.", "https://gov.example/\ud800", "link", "The link holds half of a character"),
    ],
)
def test_a_note_holding_a_character_no_column_stores_is_refused_naming_the_field(
    text, link, field, message
):
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as refused:
        notes.claim_note_add(claim=claim, author=fact_checker(), text=text, link=link)
    assert message in refused.value.message_dict[field][0]
    assert not ClaimNote.objects.exists()


def test_note_text_is_escaped_never_rendered_as_html(client, checker):
    claim = ClaimFactory()
    add(client, claim, text="<script>alert(1)</script>")
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_author_or_an_editor_removes_a_note_and_the_removal_stays_on_the_timeline(
    client, checker
):
    claim = ClaimFactory()
    note = notes.claim_note_add(claim=claim, author=checker, text="Source asked for anonymity.")
    client.force_login(fact_checker(username="other"))
    refused = client.post(reverse("claims:note_remove", args=[note.pk]), follow=True)
    assert "Only the note&#x27;s author or an editor can remove it." in refused.content.decode()
    assert ClaimNote.objects.filter(pk=note.pk).exists()

    client.force_login(checker)
    removed = client.post(reverse("claims:note_remove", args=[note.pk]))
    # Back at the notes, as after adding one, not at the top of a long claim page.
    assert removed["Location"].endswith("#notes-heading")
    assert not ClaimNote.objects.exists()
    event = ClaimEvent.objects.get(claim=claim, kind=ClaimEventKind.NOTE_REMOVED)
    assert event.actor == checker and event.data["author"] == "fc"
    history = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    assert "Research note removed" in history
    assert "Source asked for anonymity." not in history
    written = date_format(localtime(note.created_at), "DATETIME_FORMAT")
    assert f"note written: {written} · note by: fc" in history  # not an ISO timestamp

    # An editor takes back a colleague's note (one who left the desk cannot).
    boss = editor()
    left = notes.claim_note_add(claim=claim, author=checker, text="Source's mobile: 0170 ...")
    checker.is_active = False
    checker.save()
    notes.claim_note_remove(note=left, actor=boss)
    assert not ClaimNote.objects.exists()
    assert ClaimEvent.objects.filter(kind=ClaimEventKind.NOTE_REMOVED, actor=boss).exists()


def test_a_note_is_named_by_its_claim_and_author_s_name_not_their_id(checker):
    claim = ClaimFactory()
    note = notes.claim_note_add(claim=claim, author=checker, text="Called the ministry.")
    assert str(note) == f"Note on claim #{claim.pk} by fc"


def test_a_user_without_a_desk_role_neither_reads_nor_writes_notes(client):
    claim = ClaimFactory()
    notes.claim_note_add(claim=claim, author=fact_checker(), text="Internal lead.")
    client.force_login(UserFactory(is_staff=False))
    assert add(client, claim, text="Hi.").status_code == 403
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        notes.claim_note_add(claim=claim, author=UserFactory(), text="Hi.")
    assert ClaimNote.objects.count() == 1


def test_notes_never_reach_the_public_page_the_claimreview_or_the_api(client):
    verdict = published_verdict()
    notes.claim_note_add(claim=verdict.claim, author=fact_checker(), text="Internal lead XYZZY.")
    public = client.get(reverse("claims:public", args=[verdict.pk]))
    assert public.status_code == 200 and "XYZZY" not in public.content.decode()
    desk_scope = key_client(staff=True)
    for url in [
        f"/api/v1/verdicts/{verdict.pk}/",
        f"/api/v1/verdicts/{verdict.pk}/claimreview/",
        f"/api/v1/claims/{verdict.claim_id}/",
    ]:
        response = desk_scope.get(url)
        assert response.status_code == 200, url
        assert "XYZZY" not in response.content.decode(), url


def user_with(*codenames):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
    )
    return user


def test_a_desk_user_without_the_notes_permission_reads_no_note_on_any_history_page(client):
    from claims.matching import group_changes

    first, second = ClaimFactory(), ClaimFactory(text="Again.")
    group_changes.claim_group_link(claim=second, earlier=first)
    notes.claim_note_add(claim=first, author=fact_checker(), text="Internal lead XYZZY.")
    group_id = type(first).objects.get(pk=first.pk).group_id
    pages = [
        reverse("claims:detail", args=[first.pk]),
        reverse("claims:history", args=[first.pk]),
        reverse("claims:group_history", args=[group_id]),
    ]
    client.force_login(user_with("view_claim", "publish_verdict"))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "XYZZY" not in response.content.decode(), url
    client.force_login(editor())
    for url in pages:
        assert "XYZZY" in client.get(url).content.decode(), url


@pytest.mark.parametrize("field", ["text", "link"])
def test_a_nul_in_a_posted_note_is_a_400_that_says_why(client, checker, field):
    claim = ClaimFactory()
    data = {"text": "Seen.", "link": "https://gov.example/"}
    data[field] += "\x00"
    response = add(client, claim, **data)
    assert response.status_code == 400
    errors = response.context["note_form"].errors[field]
    assert "holds a NUL character" in errors[0] and "remove it" in errors[0]
    assert not ClaimNote.objects.exists()


def test_a_note_removed_twice_is_recorded_once(checker):
    claim = ClaimFactory()
    note = notes.claim_note_add(claim=claim, author=checker, text="Source asked for anonymity.")
    stale = ClaimNote.objects.get(pk=note.pk)  # a second tab, or a double click in flight
    notes.claim_note_remove(note=note, actor=checker)
    with pytest.raises(ValidationError, match="already removed"):
        notes.claim_note_remove(note=stale, actor=checker)
    assert ClaimEvent.objects.filter(claim=claim, kind=ClaimEventKind.NOTE_REMOVED).count() == 1


def test_remove_note_clicked_twice_says_it_was_done_and_returns_to_the_claim(client, checker):
    claim = ClaimFactory()
    note = notes.claim_note_add(claim=claim, author=checker, text="Source asked for anonymity.")
    url = reverse("claims:note_remove", args=[note.pk])
    client.post(url)
    again = client.post(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("claims:detail", args=[claim.pk]) + "#notes-heading"
    page = client.get(again["Location"]).content.decode()
    assert "Already done: you removed this note at " in page
    assert ClaimEvent.objects.filter(claim=claim, kind=ClaimEventKind.NOTE_REMOVED).count() == 1
    assert client.post(reverse("claims:note_remove", args=[note.pk + 1])).status_code == 404


def test_a_fact_checker_is_offered_to_remove_their_own_notes_an_editor_any(client, checker):
    claim = ClaimFactory()
    notes.claim_note_add(claim=claim, author=checker, text="Mine.")
    notes.claim_note_add(claim=claim, author=fact_checker(), text="Theirs.")
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert page.count("Remove my note") == 1 and "Remove note<" not in page
    assert page.index("Mine.") < page.index("Remove my note") < page.index("Theirs.")
    client.force_login(editor())
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert page.count("Remove note<") == 2


def test_a_claim_without_notes_says_so_in_a_sentence_not_as_note_number_one(client, checker):
    html = client.get(reverse("claims:detail", args=[ClaimFactory().pk])).content.decode()
    section = html.split('id="notes-heading"')[1].split("</section>")[0]
    assert '<p class="muted">No notes yet.</p>' in section and '<ol class="notes">' not in section


def test_the_note_form_stops_typing_where_the_service_would_refuse(client, checker):
    from bs4 import BeautifulSoup

    from claims.limits import research_link_length, research_note_length

    page = client.get(reverse("claims:detail", args=[ClaimFactory().pk])).content.decode()
    form = BeautifulSoup(page, "html.parser")
    assert form.find("textarea", attrs={"name": "text"})["maxlength"] == "5000"
    assert form.find("input", attrs={"name": "link"})["maxlength"] == "2000"
    assert (research_note_length.limit_value, research_link_length.limit_value) == (5000, 2000)
