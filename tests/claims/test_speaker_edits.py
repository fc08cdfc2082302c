"""Correcting a speaker's name or role: free while nothing published names it, a public
correction on each published fact-check once something does."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claims import attribution, services, verdict_rules, verdicts
from claims.models import ClaimEventKind, Speaker
from claims.speaker_edits import speaker_edit
from tests.claims.admin_forms import admin_save, admin_save_adding_row
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def mayor():
    return services.speaker_resolve(name="Ann Exampel", role="Mayor")


def test_a_speaker_nothing_published_names_is_corrected_without_a_note(mayor):
    claim = ClaimFactory(speaker=mayor)
    assert speaker_edit(speaker=mayor, actor=editor(), name="Ann Example", role="Mayor") == []
    mayor.refresh_from_db()
    assert mayor.name == "Ann Example" and mayor.history.latest().prev_record.name == "Ann Exampel"
    # Both spellings find the speaker in the next analysis.
    assert services.speaker_resolve(name="Ann Example") == mayor
    assert services.speaker_resolve(name="Ann Exampel") == mayor
    assert not claim.events.filter(kind=ClaimEventKind.CORRECTED).exists()


def test_a_published_speaker_is_corrected_only_with_a_public_note_on_each_fact_check(client, mayor):
    boss = editor()
    first = published_verdict(claim=ClaimFactory(speaker=mayor))
    second = published_verdict(claim=ClaimFactory(speaker=mayor))
    in_review = submitted_verdict(claim=ClaimFactory(speaker=mayor))
    version = first.version
    for note in ["", " \u200b "]:
        with pytest.raises(ValidationError, match="give a public correction note"):
            speaker_edit(
                speaker=mayor, actor=boss, name="Ann Example", role="Mayor", correction_note=note
            )
    mayor.refresh_from_db()
    assert mayor.name == "Ann Exampel"

    corrections = speaker_edit(
        speaker=mayor,
        actor=boss,
        name="Ann Example",
        role="Mayor of Springfield",
        correction_note="The mayor's name was misspelt.",
    )
    assert sorted(c.verdict_id for c in corrections) == sorted([first.pk, second.pk])
    first.refresh_from_db()
    assert first.version == version + 1 and first.updated_by == boss
    correction = first.corrections.get()
    assert correction.previous == {"speaker": "Ann Exampel, Mayor"}
    assert correction.created_by == boss
    assert not in_review.corrections.exists()
    # Its record changed under this editor: another editor publishes it.
    assert "another editor" in verdict_rules.verdict_publish_refusal(verdict=in_review, user=boss)
    page = client.get(reverse("claims:public", args=[first.pk])).content.decode()
    assert "<bdi>Ann Example</bdi>, <bdi>Mayor of Springfield</bdi>" in page
    assert "previously attributed to: <bdi>Ann Exampel, Mayor</bdi>" in page
    assert "The mayor&#x27;s name was misspelt." in page


def test_a_role_analysis_fills_in_is_in_the_speakers_history():
    quiet = services.speaker_resolve(name="Bo Quiet")
    services.speaker_resolve(name="Bo Quiet", role="Senator")
    latest = quiet.history.latest()
    assert latest.role == "Senator" and latest.history_type == "~"
    assert latest.history_change_reason == "Role read by analysis"


def test_nothing_else_changes_a_published_speakers_name_or_role(client, mayor):
    published_verdict(claim=ClaimFactory(speaker=mayor))
    boss = editor()
    # The claim page's speaker correction may not change the role...
    claim = ClaimFactory(speaker=None)
    with pytest.raises(ValidationError, match="correct the role on the speaker's page"):
        attribution.claim_speaker_correct(
            claim=claim, actor=boss, speaker=mayor, name="", role="Former mayor"
        )
    # ...nor analysis fill in a role it lacks.
    quiet = services.speaker_resolve(name="Bo Quiet")
    published_verdict(claim=ClaimFactory(speaker=quiet))
    services.speaker_resolve(name="Bo Quiet", role="Senator")
    quiet.refresh_from_db()
    assert quiet.role == ""
    # The admin shows the name, role and kind read-only and says where to correct them.
    client.force_login(boss)
    url = reverse("admin:claims_speaker_change", args=[mayor.pk])
    page = client.get(url).content.decode()
    assert 'name="name"' not in page and "correct the name, role or kind on the desk" in page
    assert 'name="slug"' not in page  # its address is in the API and the published pages
    slug = mayor.slug
    admin_save(client, url, name="Someone Else", slug="someone-else")
    mayor.refresh_from_db()
    assert mayor.name == "Ann Exampel" and mayor.role == "Mayor" and mayor.slug == slug


def test_a_speaker_of_a_claim_in_review_is_corrected_on_the_desk_only(client):
    """Not public yet, but its record is under review: the admin leaves name, role and kind
    alone, and the desk records the editor as a contributor (another editor publishes)."""
    boss = editor()
    speaker = services.speaker_resolve(name="Cy Review", role="Mayor")
    in_review = submitted_verdict(claim=ClaimFactory(speaker=speaker))
    client.force_login(boss)
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    assert 'name="name"' not in client.get(url).content.decode()
    corrections = speaker_edit(
        speaker=speaker, actor=boss, name="Cy Review", role="Mayor", kind="organisation"
    )
    assert corrections == []  # nothing published: no public correction, no note needed
    speaker.refresh_from_db()
    assert speaker.kind == "organisation"
    assert "another editor" in verdict_rules.verdict_publish_refusal(verdict=in_review, user=boss)
    with pytest.raises(ValidationError, match="Choose one of"):
        speaker_edit(speaker=speaker, actor=boss, name="Cy Review", role="", kind="robot")


@pytest.mark.parametrize(
    "name, role, field, message",
    [
        ("Ann\x00Example", "Mayor", "name", "The speaker's name holds a NUL character"),
        ("Ann Example", "Mayor \udfff", "role", "The speaker's role holds half of a character"),
        ("x" * 301, "Mayor", "name", "The speaker's name is too long: keep it to 300"),
        ("Ann Example", "x" * 301, "role", "The speaker's role is too long: keep it to 300"),
    ],
)
def test_a_speaker_edit_refuses_a_name_or_role_the_columns_could_not_store(
    mayor, name, role, field, message
):
    with pytest.raises(ValidationError) as refused:
        speaker_edit(speaker=mayor, actor=editor(), name=name, role=role)
    assert message in refused.value.message_dict[field][0]
    mayor.refresh_from_db()
    assert (mayor.name, mayor.role) == ("Ann Exampel", "Mayor")


def test_the_speaker_page_corrects_a_name_for_editors_only(client, mayor):
    published = published_verdict(claim=ClaimFactory(speaker=mayor))
    url = reverse("claims:speaker_edit", args=[mayor.slug])
    client.force_login(fact_checker())
    page = client.get(reverse("claims:speaker_detail", args=[mayor.slug])).content.decode()
    assert "Correct the name, role or kind" not in page
    assert client.post(url, {"name": "X"}).status_code == 403
    with pytest.raises(PermissionDenied):
        speaker_edit(speaker=mayor, actor=fact_checker(), name="X", role="")

    client.force_login(editor())
    page = client.get(reverse("claims:speaker_detail", args=[mayor.slug])).content.decode()
    assert "Correct the name, role or kind" in page and 'name="correction_note"' in page
    assert 'name="name" value="Ann Exampel" maxlength="300" required' in page
    for data, message in [
        ({"name": "", "role": ""}, "Name: Give the speaker's name."),
        ({"name": "Ann Exampel", "role": "Mayor", "correction_note": "x"}, "Nothing changed"),
        ({"name": "Ann Example", "role": "Mayor"}, "Correction note (public): Give a public"),
        ({"name": "x" * 301, "role": ""}, "keep it to 300 characters (it has 301)"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode().replace("&#x27;", "'")
    response = client.post(
        url,
        {"name": "Ann Example", "role": "Mayor", "correction_note": "Spelling."},
        follow=True,
    )
    assert "1 published fact-check carries the correction note" in response.content.decode()
    assert Speaker.objects.get(pk=mayor.pk).name == "Ann Example"
    assert published.corrections.get().note == "Spelling."


def test_an_admin_form_drawn_before_the_speaker_went_on_record_changes_no_record_field(client):
    from tests.claims.admin_forms import change_form_fields

    speaker = services.speaker_resolve(name="Di Later", role="Mayor")
    client.force_login(editor())
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    fields = change_form_fields(client, url)  # drawn while nothing is on record
    published_verdict(claim=ClaimFactory(speaker=speaker))
    fields.update({"name": "Someone Else", "role": "Governor", "_save": "1"})
    # The fields are read-only when the post arrives (and save_model checks again under the
    # speaker's lock for a publication in between): the record's fields stay.
    client.post(url, fields)
    speaker.refresh_from_db()
    assert (speaker.name, speaker.role) == ("Di Later", "Mayor")


def test_a_speaker_form_drawn_before_another_editors_correction_is_refused(client, mayor):
    url = reverse("claims:speaker_edit", args=[mayor.slug])
    client.force_login(editor())
    page = client.get(reverse("claims:speaker_detail", args=[mayor.slug])).content.decode()
    assert 'name="loaded_name" value="Ann Exampel"' in page
    stale = {"loaded_name": "Ann Exampel", "loaded_role": "Mayor", "loaded_kind": mayor.kind}
    speaker_edit(
        speaker=mayor, actor=editor(username="colleague"), name="Ann Example", role="Mayor"
    )

    response = client.post(url, {**stale, "name": "Ann Exampel", "role": "Mayor of Springfield"})
    assert response.status_code == 409
    (refusal,) = response.context["edit_form"].non_field_errors()
    assert refusal.startswith("This speaker was corrected by colleague at ")
    assert refusal.endswith("(now “Ann Example”) — reload the page and correct it again.")
    mayor.refresh_from_db()
    assert (mayor.name, mayor.role) == ("Ann Example", "Mayor")

    fresh = {**stale, "loaded_name": "Ann Example"}
    client.post(url, {**fresh, "name": "Ann Example", "role": "Mayor of Springfield"})
    mayor.refresh_from_db()
    assert mayor.role == "Mayor of Springfield"


def test_a_speaker_correction_sent_twice_says_it_was_saved_not_corrected_by_someone_else(
    client, mayor
):
    boss = editor(username="boss")
    client.force_login(boss)
    url = reverse("claims:speaker_edit", args=[mayor.slug])
    sent = {
        "loaded_name": "Ann Exampel",
        "loaded_role": "Mayor",
        "loaded_kind": mayor.kind,
        "name": "Ann Example",
        "role": "Mayor",
        "kind": mayor.kind,
    }
    client.post(url, sent, follow=True)
    response = client.post(url, sent, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith("Nothing changed: you saved this correction at ")
    assert shown[0].endswith(
        ", in another tab or by sending the form twice; the speaker is “Ann Example” as you "
        "sent it."
    )
    assert "meanwhile" not in shown[0]
    assert Speaker.history.filter(id=mayor.pk).count() == 2  # created, corrected once


def test_an_older_tab_of_one_s_own_with_other_text_names_you_not_a_colleague(client, mayor):
    client.force_login(editor(username="boss"))
    url = reverse("claims:speaker_edit", args=[mayor.slug])
    loaded = {"loaded_name": "Ann Exampel", "loaded_role": "Mayor", "loaded_kind": mayor.kind}
    client.post(url, {**loaded, "name": "Ann Example", "role": "Mayor"})
    response = client.post(url, {**loaded, "name": "Anne Example", "role": "Mayor"})
    assert response.status_code == 409
    (refusal,) = response.context["edit_form"].non_field_errors()
    assert refusal.startswith("You corrected this speaker at ")
    assert "(now “Ann Example”), in another tab or by sending the form twice" in refusal
    assert 'value="Anne Example"' in response.content.decode()  # as typed
    assert Speaker.objects.get(pk=mayor.pk).name == "Ann Example"


def test_a_speaker_form_whose_browser_changed_a_line_break_is_not_stale(client):
    speaker = SpeakerFactory(name="The U.S.\nmilitary", role="")
    client.force_login(editor())
    loaded = {"loaded_name": "The U.S.\r\nmilitary", "loaded_role": "", "loaded_kind": speaker.kind}
    client.post(
        reverse("claims:speaker_edit", args=[speaker.slug]),
        {**loaded, "name": "U.S. military", "role": "", "kind": speaker.kind},
    )
    speaker.refresh_from_db()
    assert speaker.name == "U.S. military"


def test_a_speaker_whose_name_keys_longer_than_the_key_column_is_stored_and_found_again():
    name = "Weißstraße Ausschuß " * 14 + "Weißstraße"  # under 300 characters; its key is not
    speaker = services.speaker_resolve(name=name)
    assert speaker.name == name
    assert services.speaker_resolve(name=name.lower()) == speaker
    assert services.speaker_resolve(name=name + " Nord") != speaker


def test_an_editor_who_renames_the_speaker_of_a_draft_leaves_its_publication_to_another():
    """Who said the claim is published with its verdict: a rename while the verdict is a draft
    (or returned) changes what it would publish, as a claim page's speaker correction does."""
    boss, author = editor(), fact_checker()
    speaker = services.speaker_resolve(name="Dee Draftt", role="Mayor")
    draft = drafted_verdict(claim=ClaimFactory(speaker=speaker), author=author)
    speaker_edit(speaker=speaker, actor=boss, name="Dee Draft", role="Mayor")
    submitted = verdicts.verdict_submit(verdict=draft, actor=author)
    refusal = verdict_rules.verdict_publish_refusal(verdict=submitted, user=boss)
    assert refusal and "another editor" in refusal
    assert verdict_rules.verdict_publish_refusal(verdict=submitted, user=editor()) is None
    # The record changed under the draft: that gives no right to withdraw it from review.
    assert verdict_rules.verdict_withdraw_refusal(verdict=submitted, user=boss) is not None


def test_a_refused_speaker_correction_draws_the_page_again_as_typed(client, mayor):
    published_verdict(claim=ClaimFactory(speaker=mayor))
    client.force_login(editor())
    typed = {
        "loaded_name": "Ann Exampel",
        "loaded_role": "Mayor",
        "loaded_kind": mayor.kind,
        "name": "Ann Example",
        "role": "Mayor of Springfield",
        "kind": "organisation",
        "correction_note": "x" * 5001,
    }
    response = client.post(reverse("claims:speaker_edit", args=[mayor.slug]), typed)
    assert response.status_code == 400
    form = response.context["edit_form"]
    assert list(form.errors) == ["correction_note"]
    assert form.errors["correction_note"][0].startswith("The correction note is too long")
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert '<a href="#edit-correction_note">Correction note (public): The correction note' in page
    assert 'name="role" value="Mayor of Springfield"' in page
    assert '<option value="organisation" selected>' in page
    assert "x" * 5001 in page
    mayor.refresh_from_db()
    assert (mayor.name, mayor.role) == ("Ann Exampel", "Mayor")


def test_a_speaker_kind_not_offered_is_refused_beside_the_field_without_repeating_it(client, mayor):
    client.force_login(editor())
    sent = "<robot>" + "y" * 5000
    response = client.post(
        reverse("claims:speaker_edit", args=[mayor.slug]),
        {"name": "Ann Example", "role": "Mayor", "kind": sent},
    )
    assert response.status_code == 400
    assert response.context["edit_form"].errors == {"kind": ["Choose one of the kinds listed."]}
    assert "y" * 100 not in response.content.decode()
    assert Speaker.objects.get(pk=mayor.pk).name == "Ann Exampel"


def test_the_speaker_page_lists_the_other_spellings_not_the_name_itself(client, mayor):
    client.force_login(fact_checker())
    url = reverse("claims:speaker_detail", args=[mayor.slug])
    assert 'Also written as: <span class="muted">no other spelling</span>' in (
        client.get(url).content.decode()
    )
    speaker_edit(speaker=mayor, actor=editor(), name="Ann Example", role="Mayor")
    page = client.get(url).content.decode()
    assert 'Also written as: <span class="badge"><bdi>Ann Exampel</bdi></span>' in page
    assert '<span class="badge">Ann Example</span>' not in page


def test_the_claim_page_gives_the_claim_s_speaker_a_role_it_lacked():
    quiet = services.speaker_resolve(name="Bo Quiet")
    claim = ClaimFactory(speaker=quiet)
    checker = fact_checker()
    attribution.claim_speaker_correct(
        claim=claim, actor=checker, name="Bo Quiet", role="Senator", loaded_speaker=str(quiet.pk)
    )
    quiet.refresh_from_db()
    assert quiet.role == "Senator"
    assert quiet.history.latest().history_change_reason != "Role read by analysis"
    assert claim.events.filter(kind=ClaimEventKind.SPEAKER_CORRECTED).exists()


def _admin_renamed(client, speaker, **changes):
    """The speaker after an editor saved its admin page with `changes`, and the answer."""
    client.force_login(editor())
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    response = admin_save(client, url, **changes)
    speaker.refresh_from_db()
    return speaker, response


def test_a_speaker_named_in_the_admin_is_stored_as_the_desk_stores_a_name(client):
    """A U+202E in a speaker's name turned the rest of a published fact-check's line around:
    the desk's speaker page drops it (visible_text), and the admin, a way to the same name,
    does too, with a bell or an escape character."""
    speaker, _ = _admin_renamed(
        client,
        SpeakerFactory(name="Ann Example", role="Mayor"),
        name="\u202eAnn\x07 Example\u2066",
        role="Mayor\x1b\u202d",
    )
    assert (speaker.name, speaker.role) == ("Ann Example", "Mayor")


def test_a_speaker_name_of_bidi_controls_alone_is_refused_in_the_admin(client):
    speaker, response = _admin_renamed(
        client, SpeakerFactory(name="Ann Example"), name="\u202e\u200b"
    )
    assert "This field is required." in response.content.decode()
    assert speaker.name == "Ann Example"


def test_a_spelling_added_in_the_admin_is_stored_as_the_speaker_form_stores_a_name(client):
    """The alias inline is a way to a speaker's spellings too: a U+202E kept there turned a
    search result's line around."""
    speaker = SpeakerFactory(name="Ann Example")
    client.force_login(editor())
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    admin_save_adding_row(client, url, prefix="aliases", alias="\u202eAnnie\x07 Ex\u2066")
    assert set(speaker.aliases.values_list("alias", flat=True)) == {"Ann Example", "Annie Ex"}
