"""Four eyes on content, and a published record that changes only through the correction path
(issue #10, probe rows 1 and 2)."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ProtectedError, Subquery
from django.urls import reverse

from articles.models import Article
from claims import (
    attribution,
    correction_requests,
    corrections,
    record,
    services,
    verdict_rules,
    verdicts,
)
from claims.admin.base import PublishedRecordDeleteMixin
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    EvidenceSource,
    Sentence,
    Speaker,
    Verdict,
    VerdictStatus,
    published_sources_replaceable,
)
from tests.claims.admin_forms import admin_save, change_form_fields, inline_row
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    active_rating,
    admin_user,
    correction_published,
    correction_sent,
    draft_resaved,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    sources_corrected,
    submitted_verdict,
    verdict_saved_again,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def verdict_form(verdict, **changes):
    data = {
        "version": verdict.version,
        "rating": verdict.rating_id,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": verdict.sources.first().url,
        "sources-0-title": verdict.sources.first().title,
    }
    return {**data, **changes}


# --- Four eyes ----------------------------------------------------------------------------


def test_an_editor_who_rewrote_a_fact_checkers_draft_cannot_publish_it(client):
    draft = drafted_verdict()
    boss = editor()
    client.force_login(boss)
    rewritten = verdict_form(draft, conclusion="The figure is right after all.", submit="1")
    rewritten["rating"] = active_rating("true").pk
    assert (
        client.post(reverse("claims:verdict_save", args=[draft.claim_id]), rewritten).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == VerdictStatus.SUBMITTED and draft.author != boss

    client.post(reverse("claims:publish", args=[draft.claim_id]), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == VerdictStatus.SUBMITTED
    with pytest.raises(PermissionDenied, match="wrote or changed"):
        verdicts.verdict_publish(verdict=draft, editor=boss)

    verdicts.verdict_publish(verdict=draft, editor=editor())
    draft.refresh_from_db()
    assert draft.status == VerdictStatus.PUBLISHED


def test_changing_only_the_sources_makes_an_editor_a_contributor_too():
    draft = drafted_verdict()
    boss = editor()
    verdict_saved_again(
        draft,
        actor=boss,
        sources=[{"url": "https://other.example.org/", "title": "Other", "note": ""}],
    )
    submitted = verdicts.verdict_submit(verdict=Verdict.objects.get(pk=draft.pk), actor=boss)
    assert verdict_rules.verdict_publish_refusal(verdict=submitted, user=boss)
    assert verdict_rules.verdict_publish_refusal(verdict=submitted, user=editor()) is None


def test_an_editor_who_changed_the_draft_once_stays_a_contributor_whatever_came_after():
    # Their words were rewritten by the author, the verdict returned, withdrawn and resubmitted:
    # the editor still wrote part of it, and may not publish any later version.
    draft = drafted_verdict()
    boss, checker = editor(), draft.author

    def save(verdict, actor, conclusion):
        return verdicts.verdict_save(
            claim=verdict.claim,
            actor=actor,
            expected_version=verdict.version,
            rating=verdict.rating,
            conclusion=conclusion,
            explanation=verdict.explanation,
            sources=[{"url": s.url, "title": s.title} for s in verdict.sources.order_by("id")],
        )

    draft = save(draft, boss, "The editor's wording.")
    draft = save(draft, checker, "The figure is wrong.")  # back to the author's words
    draft = verdicts.verdict_submit(verdict=draft, actor=checker)
    returner = editor()
    draft = verdicts.verdict_return(verdict=draft, actor=returner, comment="One more source.")
    draft = save(draft, checker, "The figure is wrong, twice over.")
    draft = verdicts.verdict_submit(verdict=draft, actor=checker)
    draft = verdicts.verdict_withdraw(verdict=draft, actor=checker)
    draft = verdicts.verdict_submit(verdict=draft, actor=checker)
    with pytest.raises(PermissionDenied, match="wrote or changed"):
        verdicts.verdict_publish(verdict=draft, editor=boss)
    # Returning it wrote nothing: the editor who asked for a source may publish it.
    verdicts.verdict_publish(verdict=draft, editor=returner)
    assert Verdict.objects.get(pk=draft.pk).status == VerdictStatus.PUBLISHED


def test_saving_a_draft_unchanged_does_not_count_as_writing_it():
    draft = drafted_verdict()
    boss = editor()
    verdict_saved_again(draft, actor=boss)  # its own sources, as they are
    submitted = verdicts.verdict_submit(verdict=Verdict.objects.get(pk=draft.pk), actor=boss)
    assert verdict_rules.verdict_publish_refusal(verdict=submitted, user=boss) is None


def test_saving_a_verdict_deleted_since_it_was_loaded_is_refused_not_half_saved():
    draft = drafted_verdict()
    claim, loaded = draft.claim, draft.version
    Verdict.objects.filter(pk=draft.pk).delete()  # an unpublished draft, in the admin
    with pytest.raises(verdicts.VersionConflict, match="was deleted since you loaded"):
        verdicts.verdict_save(
            claim=claim,
            actor=draft.author,
            expected_version=loaded,
            rating=active_rating("false"),
            conclusion="Rewritten.",
            explanation="",
            sources=[{"url": "https://stats.example.org/", "title": "Stats"}],
        )
    # Nothing half-written: no verdict without the sources the save carried.
    assert not Verdict.objects.filter(claim=claim).exists()


def test_the_admin_publish_action_applies_the_same_rule(client):
    boss = editor()
    verdict = submitted_verdict(author=boss)
    client.force_login(boss)
    client.post(
        reverse("admin:claims_verdict_changelist"),
        {"action": "publish", "_selected_action": [verdict.pk]},
    )
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.SUBMITTED


@pytest.mark.parametrize("note", ["", "  ", "\u200b", "\ufeff\u200e "])
def test_a_correction_needs_a_note_that_shows(note):
    published = published_verdict()
    with pytest.raises(ValidationError, match="Say publicly what changed and why."):
        correction_published(
            verdict=published,
            editor=editor(),
            expected_version=published.version,
            note=note,
            rating=published.rating,
            conclusion="Corrected.",
            explanation="",
            sources=[{"url": "https://better.example.org/", "title": "Better"}],
        )
    assert not published.corrections.exists()


def test_a_draft_author_cannot_publish_a_correction_of_their_wording():
    boss = editor()
    draft = drafted_verdict()
    draft_resaved(
        claim=draft.claim,
        actor=boss,
        expected_version=draft.version,
        rating=draft.rating,
        conclusion="Rewritten by the editor.",
    )
    submitted = verdicts.verdict_submit(verdict=Verdict.objects.get(pk=draft.pk), actor=boss)
    published = verdicts.verdict_publish(verdict=submitted, editor=editor())
    # They may write a correction of it; another editor publishes it.
    sent = correction_sent(published, writer=fact_checker(), conclusion="Rewritten again.")
    with pytest.raises(PermissionDenied, match="before it was published"):
        correction_requests.correction_approve(correction=sent, editor=boss)
    assert not published.corrections.exists()


# --- The published record in the admin --------------------------------------------------------


def test_a_fact_checker_cannot_change_a_published_claims_attribution_in_the_admin(client):
    verdict = published_verdict()
    claim = verdict.claim
    claim.speaker = SpeakerFactory(name="Right Person")
    claim.save()
    events = ClaimEvent.objects.count()
    client.force_login(fact_checker())
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    page = client.get(url).content.decode()
    assert 'name="speaker"' not in page and 'name="attribution_cue"' not in page
    response = client.post(
        url,
        {"speaker": SpeakerFactory(name="Wrong Person").pk, "attribution_cue": "x", "priority": 0},
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.speaker.name == "Right Person" and claim.attribution_cue == ""
    assert ClaimEvent.objects.count() == events


def test_a_submitted_claim_is_locked_too(client):
    verdict = submitted_verdict()
    client.force_login(editor())
    response = client.post(reverse("admin:claims_claim_change", args=[verdict.claim_id]), {})
    assert response.status_code == 403


def test_evidence_sources_are_read_only_in_the_admin(client):
    verdict = published_verdict()
    source = verdict.sources.get()
    client.force_login(editor())
    url = reverse("admin:claims_evidencesource_change", args=[source.pk])
    assert client.get(url).status_code == 200  # viewable, with its history
    response = client.post(url, {"url": "https://evil.example/", "title": "Swapped"})
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.url != "https://evil.example/"
    assert (
        client.get(reverse("admin:claims_evidencesource_history", args=[source.pk])).status_code
        == 200
    )


def test_a_published_verdict_and_its_sources_cannot_be_changed_in_the_admin(client):
    verdict = published_verdict()
    client.force_login(editor())
    url = reverse("admin:claims_verdict_change", args=[verdict.pk])
    fields = change_form_fields(client, url)
    assert "conclusion" not in fields and "sources-0-url" not in fields
    response = client.post(url, {"conclusion": "Changed", "sources-0-url": "https://evil.example/"})
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.conclusion != "Changed"
    assert not EvidenceSource.objects.filter(url="https://evil.example/").exists()


def test_a_draft_saved_in_the_admin_goes_through_the_desk_service(client):
    draft = drafted_verdict()
    boss = editor()
    client.force_login(boss)
    url = reverse("admin:claims_verdict_change", args=[draft.pk])
    response = admin_save(
        client,
        url,
        conclusion="Edited in the admin.",
        **{"sources-0-url": "https://b.example.org/"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.conclusion == "Edited in the admin." and draft.version == 2
    assert list(draft.sources.values_list("url", flat=True)) == ["https://b.example.org/"]
    assert draft.claim.events.filter(kind=ClaimEventKind.DRAFTED, actor=boss).exists()
    assert boss.pk in verdict_rules.verdict_contributor_ids(verdict=draft)


def test_a_refused_admin_save_saves_nothing_not_even_the_sources(client):
    draft = drafted_verdict()
    client.force_login(editor())
    url = reverse("admin:claims_verdict_change", args=[draft.pk])
    fields = change_form_fields(client, url)
    # Someone saves in between: the admin's form is now stale.
    draft_resaved(
        claim=draft.claim,
        actor=draft.author,
        expected_version=draft.version,
        rating=draft.rating,
        conclusion="Their change.",
    )
    fields.update({"conclusion": "Mine.", "sources-0-url": "https://mine.example/", "_save": "1"})
    response = client.post(url, fields, follow=True)
    assert "changed successfully" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.conclusion == "Their change."
    assert not EvidenceSource.objects.filter(url="https://mine.example/").exists()


def test_renaming_a_speaker_is_an_editors_action_and_leaves_history(client):
    speaker = SpeakerFactory(name="Ann Example", role="Mayor")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    client.force_login(fact_checker())
    assert client.post(url, {"name": "Someone Else"}).status_code == 403
    client.logout()
    boss = editor()
    client.force_login(boss)
    assert admin_save(client, url, name="Ann Example-Smith").status_code == 302
    speaker.refresh_from_db()
    assert speaker.name == "Ann Example-Smith"
    change = speaker.history.latest()
    assert change.history_user == boss and change.prev_record.name == "Ann Example"


def test_a_fact_checker_cannot_retitle_a_speaker_from_the_desk(client):

    draft = drafted_verdict()
    claim = Claim.objects.get(pk=draft.claim_id)
    speaker = SpeakerFactory(name="Bo Example", role="Mayor")
    # The claim's own fact-checker: a colleague may not correct its speaker at all.
    with pytest.raises(Exception, match="only an editor"):
        attribution.claim_speaker_correct(
            claim=claim, actor=draft.author, name="", speaker=speaker, role="Governor"
        )
    speaker.refresh_from_db()
    assert speaker.role == "Mayor"


def test_an_admin_speaker_change_on_an_open_claim_is_on_the_desk_timeline(client):
    draft = drafted_verdict()
    checker = draft.author  # the claim's assignee: a colleague's change is refused
    client.force_login(checker)
    speaker = SpeakerFactory(name="Cy Example")
    url = reverse("admin:claims_claim_change", args=[draft.claim_id])
    assert admin_save(client, url, speaker=str(speaker.pk)).status_code == 302
    event = ClaimEvent.objects.get(claim_id=draft.claim_id, kind=ClaimEventKind.SPEAKER_CORRECTED)
    assert event.actor == checker and event.data["to"] == "Cy Example"


# --- Deleting what a published verdict stands on ---------------------------------------------


def test_an_editor_cannot_delete_an_article_with_a_published_verdict(client):
    verdict = published_verdict()
    article = verdict.claim.article
    client.force_login(editor())
    url = reverse("admin:articles_article_delete", args=[article.pk])
    page = client.get(url).content.decode()
    assert "a published verdict changes only through a correction" in page
    response = client.post(url, {"post": "yes"})
    assert "changes only through a correction" in response.content.decode()
    assert Verdict.objects.published().filter(pk=verdict.pk).exists()
    assert Claim.objects.filter(article=article).exists()


def test_read_only_rows_go_with_the_draft_verdict_or_article_deleted_in_the_admin(client):
    # Sources, sentences and timeline events have read-only admins (only services write them):
    # they go with a verdict or an article that the user may delete, they do not forbid it.
    draft = drafted_verdict(sources=2)
    client.force_login(admin_user())
    url = reverse("admin:claims_verdict_delete", args=[draft.pk])
    assert "permission to delete the following types" not in client.get(url).content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Verdict.objects.filter(pk=draft.pk).exists()
    assert not EvidenceSource.objects.filter(verdict_id=draft.pk).exists()

    claim = ClaimFactory()
    services.claim_assign(claim=claim, actor=fact_checker())  # an event on its timeline
    article = claim.article
    Sentence.objects.create(article=article, index=0, start=0, end=claim.end, text=claim.text)
    client.force_login(editor())
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ClaimEvent.objects.filter(claim_id=claim.pk).exists()


def test_a_fact_checker_still_cannot_delete_a_draft_verdict_in_the_admin(client):
    draft = drafted_verdict()
    client.force_login(fact_checker())
    url = reverse("admin:claims_verdict_delete", args=[draft.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Verdict.objects.filter(pk=draft.pk).exists()


def test_the_delete_page_lists_the_published_verdict_as_protected(client):
    speaker = SpeakerFactory(name="Gil Example")
    verdict = published_verdict(claim=ClaimFactory(speaker=speaker))
    client.force_login(admin_user())
    page = client.get(reverse("admin:claims_speaker_delete", args=[speaker.pk])).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert reverse("admin:claims_verdict_change", args=[verdict.pk]) in page
    assert "a published verdict changes only through a correction" in page


def bulk_delete_claims(client, pks, **kwargs):
    """The admin's "delete selected" action, confirmed."""
    data = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    return client.post(reverse("admin:claims_claim_changelist"), data, **kwargs)


def test_the_bulk_delete_action_refuses_claims_with_a_published_verdict(client):
    verdict = published_verdict()
    open_claim = drafted_verdict().claim
    client.force_login(admin_user())
    response = bulk_delete_claims(client, [verdict.claim_id, open_claim.pk])
    assert "changes only through a correction" in response.content.decode()
    assert Claim.objects.filter(pk__in=[verdict.claim_id, open_claim.pk]).count() == 2


def test_an_admin_cannot_delete_a_published_verdict_or_its_speaker(client):
    speaker = SpeakerFactory(name="Di Example")
    verdict = published_verdict(claim=ClaimFactory(speaker=speaker))
    client.force_login(admin_user())
    for url in [
        reverse("admin:claims_speaker_delete", args=[speaker.pk]),
        reverse("admin:claims_verdict_delete", args=[verdict.pk]),
    ]:
        response = client.post(url, {"post": "yes"})
        assert "changes only through a correction" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.claim.speaker == speaker


def test_the_model_refuses_to_delete_an_article_claim_or_verdict_a_published_verdict_stands_on():
    verdict = published_verdict()
    claim, article = verdict.claim, verdict.claim.article
    for delete in [
        article.delete,
        Article.objects.filter(pk=article.pk).delete,
        Claim.objects.filter(pk=claim.pk).delete,
        verdict.delete,
        Verdict.objects.filter(pk=verdict.pk).delete,
    ]:
        with pytest.raises(ProtectedError) as refused:
            delete()
        assert refused.value.protected_objects == {verdict}
        refusal = record.delete_refusal(refused.value)
        assert refusal.startswith("Nothing was deleted: it holds published verdicts (on “")
        assert claim.text[:40] in refusal
    assert Verdict.objects.published().filter(pk=verdict.pk).exists()
    assert EvidenceSource.objects.filter(verdict=verdict).count() == 1
    assert Claim.objects.filter(pk=claim.pk, article=article).exists()


def test_the_model_refuses_to_delete_the_speaker_of_a_published_claim():
    speaker = SpeakerFactory(name="Ed Example")
    verdict = published_verdict(claim=ClaimFactory(speaker=speaker))
    with pytest.raises(ProtectedError):
        speaker.delete()
    verdict.claim.refresh_from_db()
    assert verdict.claim.speaker == speaker


def test_a_speaker_whose_claim_is_in_review_is_not_deleted_and_the_admin_says_why(client):
    speaker = SpeakerFactory(name="Ina Example")
    verdict = submitted_verdict(claim=ClaimFactory(speaker=speaker))
    with pytest.raises(ProtectedError) as refused:
        speaker.delete()
    assert "submitted for review" in record.delete_refusal(refused.value)
    client.force_login(admin_user())
    response = client.post(
        reverse("admin:claims_speaker_delete", args=[speaker.pk]), {"post": "yes"}, follow=True
    )
    assert "an editor returns or publishes them first" in response.content.decode()
    verdict.claim.refresh_from_db()
    assert verdict.claim.speaker == speaker


def test_what_no_published_verdict_stands_on_is_still_deleted_with_its_rows():
    draft, submitted = drafted_verdict(), submitted_verdict()
    speaker = SpeakerFactory(name="Flo Example")
    draft.claim.article.delete()
    Verdict.objects.filter(pk=submitted.pk).delete()
    speaker.delete()  # no claim says it said anything
    assert not Verdict.objects.filter(pk__in=[draft.pk, submitted.pk]).exists()
    assert not EvidenceSource.objects.filter(verdict_id__in=[draft.pk, submitted.pk]).exists()
    assert not Claim.objects.filter(pk=draft.claim_id).exists()
    assert Claim.objects.filter(pk=submitted.claim_id).exists()
    assert not Speaker.objects.filter(pk=speaker.pk).exists()


def savepoint(action):
    with transaction.atomic():
        return action()


def test_a_published_verdicts_sources_change_only_inside_a_correction():
    verdict = published_verdict()
    source = verdict.sources.get()
    title = source.title
    draft_source = drafted_verdict().sources.get()
    attempts = [
        source.delete,
        EvidenceSource.objects.filter(pk=source.pk).delete,
        EvidenceSource.objects.filter(pk__in=[source.pk, draft_source.pk]).delete,
        lambda: EvidenceSource.objects.filter(pk=source.pk).update(title="Swapped"),
        lambda: EvidenceSource.objects.filter(pk=draft_source.pk).update(verdict=verdict),
        lambda: setattr(source, "title", "Swapped") or source.save(),
        lambda: EvidenceSource.objects.create(
            verdict=verdict,
            url="https://x.example.org/",
            title="Added",
            accessed_on=source.accessed_on,
        ),
        lambda: EvidenceSource.objects.filter(pk=draft_source.pk).update(verdict=verdict.pk),
        lambda: EvidenceSource.objects.filter(pk=draft_source.pk).update(verdict_id=verdict.pk),
        # add() and bulk_update() run in an atomic block without a savepoint: a refusal spoils
        # the caller's transaction (all of it rolls back), so they get a savepoint here.
        lambda: savepoint(
            lambda: EvidenceSource.objects.bulk_update(
                [EvidenceSource(pk=draft_source.pk, verdict=verdict)], ["verdict"]
            )
        ),
        lambda: savepoint(
            lambda: verdict.sources.add(EvidenceSource.objects.get(pk=draft_source.pk))
        ),
        lambda: EvidenceSource._base_manager.filter(pk=source.pk).update(title="Swapped"),
        lambda: EvidenceSource._base_manager.filter(pk=source.pk).delete(),
        lambda: EvidenceSource.objects.bulk_create(
            [
                EvidenceSource(
                    verdict=verdict,
                    url="https://x.example.org/",
                    title="Added",
                    accessed_on=source.accessed_on,
                )
            ]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ProtectedError) as refused:
            attempt()
        assert refused.value.protected_objects == {verdict}
    source.refresh_from_db()
    assert source.title == title and verdict.sources.count() == 1
    assert EvidenceSource.objects.get(pk=draft_source.pk).verdict_id == draft_source.verdict_id
    # A draft's sources stay the author's to change.
    EvidenceSource.objects.filter(pk=draft_source.pk).update(title="Better title")
    draft_source.delete()


def test_a_correction_may_replace_its_own_verdicts_sources_and_no_other_published_ones():
    corrected, other = published_verdict(), published_verdict()
    theirs = other.sources.get()
    with published_sources_replaceable(verdicts=[corrected]):
        EvidenceSource.objects.filter(verdict=corrected).update(title="Corrected")
        for attempt in [
            theirs.delete,
            lambda: EvidenceSource.objects.filter(pk=theirs.pk).update(title="Swapped"),
            lambda: EvidenceSource.objects.filter(verdict__in=[corrected, other]).delete(),
        ]:
            with pytest.raises(ProtectedError) as refused:
                attempt()
            assert refused.value.protected_objects == {other}
    assert corrected.sources.get().title == "Corrected"
    assert EvidenceSource.objects.get(pk=theirs.pk).title == theirs.title


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (migrations 0014, 0019)"
)
def test_the_database_refuses_raw_sql_and_loaddata_on_a_published_verdicts_sources(tmp_path):
    from django.core.management import call_command

    verdict = published_verdict()
    source = verdict.sources.get()
    draft_source = drafted_verdict().sources.get()
    raw = [
        ("UPDATE claims_evidencesource SET title = 'Swapped' WHERE id = %s", [source.pk]),
        ("DELETE FROM claims_evidencesource WHERE id = %s", [source.pk]),
        (
            "UPDATE claims_evidencesource SET verdict_id = %s WHERE id = %s",
            [verdict.pk, draft_source.pk],
        ),
        (
            "INSERT INTO claims_evidencesource (verdict_id, url, title, note, accessed_on)"
            " SELECT verdict_id, url, 'Added', note, accessed_on FROM claims_evidencesource"
            " WHERE id = %s",
            [source.pk],
        ),
    ]
    for sql, params in raw:
        refused = pytest.raises(IntegrityError, match="changes only through a correction")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # A fixture that rewrites the row is refused the same way.
    fixture = tmp_path / "swap.json"
    source.title = "Swapped by a fixture"
    fixture.write_text(serializers.serialize("json", [source]))
    refused = pytest.raises(IntegrityError, match="changes only through a correction")
    with refused, transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)
    source.refresh_from_db()
    assert source.title != "Swapped by a fixture" and verdict.sources.count() == 1
    # The setting lives only inside the correction's block, and a draft's rows stay free.
    with published_sources_replaceable(verdicts=[verdict]), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_evidencesource SET note = 'ok' WHERE id = %s", [source.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_evidencesource SET note = 'no' WHERE id = %s", [source.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_evidencesource WHERE id = %s", [draft_source.pk])


def test_a_move_by_an_expression_onto_a_published_verdict_is_refused_before_the_write():
    verdict = published_verdict()
    draft_source = drafted_verdict().sources.get()
    onto_published = Subquery(Verdict.objects.filter(pk=verdict.pk).values("pk")[:1])
    with pytest.raises(ProtectedError) as refused:
        EvidenceSource.objects.filter(pk=draft_source.pk).update(verdict=onto_published)
    assert refused.value.protected_objects == {verdict}
    assert EvidenceSource.objects.get(pk=draft_source.pk).verdict_id == draft_source.verdict_id


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (migration 0019)"
)


def raw_retitle(source, title):
    """Raw SQL, which the ORM's guard never sees: only PostgreSQL's trigger stands in its way."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_evidencesource SET title = %s WHERE id = %s", [title, source.pk]
        )


def database_setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('factcheck.replacing_sources', true)")
        return cursor.fetchone()[0] or ""


@on_postgresql
def test_the_database_lets_only_the_corrected_verdicts_sources_change_inside_a_correction():
    corrected, other = published_verdict(), published_verdict()
    corrected_source, other_source = corrected.sources.get(), other.sources.get()
    with published_sources_replaceable(verdicts=[corrected]):
        raw_retitle(corrected_source, "Corrected")
        with pytest.raises(IntegrityError, match=f"Verdict {other.pk} is published"):
            raw_retitle(other_source, "Swapped")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE claims_evidencesource SET verdict_id = %s WHERE id = %s",
                [other.pk, corrected_source.pk],
            )
    assert database_setting() == ""
    for source in [corrected_source, other_source]:
        with pytest.raises(IntegrityError, match="changes only through a correction"):
            raw_retitle(source, "After the block")
    assert EvidenceSource.objects.get(pk=corrected_source.pk).title == "Corrected"
    assert EvidenceSource.objects.get(pk=other_source.pk).title == other_source.title


@on_postgresql
def test_raw_sql_run_by_a_correction_on_another_published_verdict_fails_the_correction(
    monkeypatch,
):
    verdict, other = published_verdict(), published_verdict()
    other_source = other.sources.get()
    replace = corrections.sources_replace

    def replace_and_retitle_another(*args):
        replace(*args)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE claims_evidencesource SET title = 'Swapped' WHERE id = %s",
                [other_source.pk],
            )

    monkeypatch.setattr(corrections, "sources_replace", replace_and_retitle_another)
    with pytest.raises(IntegrityError, match=f"Verdict {other.pk} is published"):
        sources_corrected(
            verdict, sources=[{"url": "https://better.example.org/", "title": "Better"}]
        )
    assert EvidenceSource.objects.get(pk=other_source.pk).title == other_source.title
    assert not verdict.corrections.exists()


@on_postgresql
def test_the_setting_goes_back_after_a_nested_block_and_after_an_error():
    outer, inner = published_verdict(), published_verdict()
    outer_source, inner_source = outer.sources.get(), inner.sources.get()
    with published_sources_replaceable(verdicts=[outer]):
        with published_sources_replaceable(verdicts=[inner]):
            assert database_setting() == ",".join(sorted([str(outer.pk), str(inner.pk)]))
            raw_retitle(outer_source, "Outer")
            raw_retitle(inner_source, "Inner")
        assert database_setting() == str(outer.pk)
        with pytest.raises(IntegrityError):
            raw_retitle(inner_source, "Inner again")
        with (
            pytest.raises(ValueError, match="gave up"),
            published_sources_replaceable(verdicts=[inner]),
        ):
            raise ValueError("gave up")
        assert database_setting() == str(outer.pk)
        with pytest.raises(DataError), published_sources_replaceable(verdicts=[inner]):
            raw_retitle(inner_source, "Inner, rolled back")
            with connection.cursor() as cursor:  # a failed statement: the block is spoilt
                cursor.execute("SELECT 1/0")
        assert database_setting() == str(outer.pk)
        raw_retitle(outer_source, "Outer again")
    assert database_setting() == ""
    with pytest.raises(IntegrityError):
        raw_retitle(outer_source, "After")
    assert EvidenceSource.objects.get(pk=inner_source.pk).title == "Inner"
    assert EvidenceSource.objects.get(pk=outer_source.pk).title == "Outer again"


def test_a_correction_replaces_a_published_verdicts_sources():
    verdict = published_verdict()
    old = verdict.sources.get()
    corrected = sources_corrected(
        verdict, sources=[{"url": "https://better.example.org/", "title": "Better"}]
    ).verdict
    assert list(corrected.sources.values_list("title", flat=True)) == ["Better"]
    assert not EvidenceSource.objects.filter(pk=old.pk).exists()
    assert EvidenceSource.history.filter(id=old.pk, history_type="-").exists()


def test_a_published_verdict_with_no_source_left_is_still_not_deleted(client):
    # With no sources left (only a correction could get there), no on_delete handler is
    # reached when the verdict itself is deleted.
    verdict = published_verdict()
    with published_sources_replaceable(verdicts=[verdict]):
        EvidenceSource.objects.filter(verdict=verdict).delete()
    for delete in [verdict.delete, Verdict.objects.filter(pk=verdict.pk).delete]:
        with pytest.raises(ProtectedError) as refused:
            delete()
        assert refused.value.protected_objects == {verdict}
    assert record.record_delete_refusal(objects=[verdict]).startswith("Nothing was deleted")
    client.force_login(admin_user())
    url = reverse("admin:claims_verdict_delete", args=[verdict.pk])
    page = client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    client.post(url, {"post": "yes"})
    assert Verdict.objects.published().filter(pk=verdict.pk).exists()


def test_a_mixed_bulk_delete_deletes_nothing():
    verdict = published_verdict()
    draft = drafted_verdict()
    with pytest.raises(ProtectedError):
        Article.objects.filter(pk__in=[verdict.claim.article_id, draft.claim.article_id]).delete()
    assert Claim.objects.filter(pk__in=[verdict.claim_id, draft.claim_id]).count() == 2


@pytest.fixture
def confirmation_drawn_before_publication(monkeypatch):
    """The admin's confirmation listed nothing protected: the verdict was published after the
    page was drawn, so only the guard at the delete itself stands in the way."""
    monkeypatch.setattr(
        PublishedRecordDeleteMixin,
        "get_deleted_objects",
        lambda self, objs, request: ([str(obj) for obj in objs], {}, set(), []),
    )


@pytest.mark.usefixtures("confirmation_drawn_before_publication")
def test_a_delete_the_model_refuses_is_rolled_back_and_the_admin_says_why(client):
    verdict = published_verdict()
    article = verdict.claim.article
    client.force_login(editor())
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    page = response.content.decode()
    assert "changes only through a correction" in page
    assert "was deleted successfully" not in page
    assert Article.objects.filter(pk=article.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


@pytest.mark.usefixtures("confirmation_drawn_before_publication")
def test_a_bulk_delete_the_model_refuses_is_rolled_back_and_the_admin_says_why(client):
    verdict = published_verdict()
    open_claim = drafted_verdict().claim
    client.force_login(admin_user())
    response = bulk_delete_claims(client, [verdict.claim_id, open_claim.pk], follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "changes only through a correction" in page
    assert "Successfully deleted" not in page
    assert Claim.objects.filter(pk__in=[verdict.claim_id, open_claim.pk]).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


# --- One definition of published --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "published"),
    [("draft", False), ("submitted", False), ("returned", False), ("published", True)],
)
def test_the_property_and_the_queryset_agree_on_what_is_published(status, published):
    verdict = published_verdict()
    Verdict.objects.filter(pk=verdict.pk).update(status=status)
    verdict.refresh_from_db()
    assert verdict.is_published is published
    assert Verdict.objects.published().filter(pk=verdict.pk).exists() is published
    assert Claim.objects.published().filter(pk=verdict.claim_id).exists() is published


def test_a_reanalysis_with_a_new_model_leaves_a_published_claims_attribution_alone(
    seed_text, monkeypatch
):
    from articles.models import Article
    from claims import analysis
    from claims.nlp import checkworthiness
    from tests.factories import ArticleFactory

    article = ArticleFactory(body=seed_text)
    analysis.article_analyze(article_id=article.pk)
    quoted = Claim.objects.filter(article=article, speaker__isnull=False).first()
    verdict = published_verdict(claim=quoted)
    Claim.objects.filter(pk=quoted.pk).update(speaker=None, attribution_cue="")  # as published
    newer = checkworthiness.ModelInfo(version="fake-keywords-2", threshold=0.5)
    monkeypatch.setattr(checkworthiness, "model_info", lambda: newer)
    analysis.article_analyze(article_id=Article.objects.get(pk=article.pk).pk)
    quoted.refresh_from_db()
    assert quoted.model_version == "fake-keywords-2"  # re-scored ...
    assert quoted.speaker is None and quoted.attribution_cue == ""  # ... but not re-attributed
    assert verdict.claim_id == quoted.pk


def test_a_rescore_writes_only_the_models_fields_never_a_stale_status(seed_text):
    """A re-analysis that read a claim before it was published must not save its old status
    back: the rescore writes the model's fields only (and the analysis locks the claims)."""
    from types import SimpleNamespace

    from claims import analysis
    from tests.factories import ArticleFactory

    article = ArticleFactory(body=seed_text)
    analysis.article_analyze(article_id=article.pk)
    stale = Claim.objects.filter(article=article).first()  # read before the publication
    published_verdict(claim=stale)
    sentence = SimpleNamespace(check_worthiness=0.123, attribution=None)
    assert analysis._rescore(stale, sentence, {}, version="fake-keywords-3")
    fresh = Claim.objects.get(pk=stale.pk)
    assert fresh.status == "published" and fresh.verdict.is_published
    assert fresh.model_version == "fake-keywords-3" and fresh.check_worthiness == 0.123


# --- Ratings of published verdicts ------------------------------------------------------------


def test_the_label_of_a_rating_that_published_verdicts_use_cannot_be_edited(client):
    verdict = published_verdict()
    rating = verdict.rating
    client.force_login(admin_user())
    url = reverse("admin:claims_ratingscale_change", args=[rating.scale_id])
    row = inline_row(change_form_fields(client, url), rating)
    response = admin_save(client, url, **{f"{row}-label": "Mostly harmless"})
    assert response.status_code == 200
    assert "is the rating of published verdicts" in response.content.decode()
    rating.refresh_from_db()
    assert rating.label != "Mostly harmless"
    page = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert rating.label in page and "Mostly harmless" not in page


def test_a_rating_no_published_verdict_uses_can_still_be_renamed_and_described(client):
    rating = published_verdict().rating
    unused = active_rating("true")
    client.force_login(admin_user())
    url = reverse("admin:claims_ratingscale_change", args=[rating.scale_id])
    fields = change_form_fields(client, url)
    response = admin_save(
        client,
        url,
        **{
            f"{inline_row(fields, unused)}-label": "Accurate",
            f"{inline_row(fields, rating)}-description": "Clarified wording of the help text.",
        },
    )
    assert response.status_code == 302
    unused.refresh_from_db()
    rating.refresh_from_db()
    assert unused.label == "Accurate" and rating.description.startswith("Clarified")


# --- The article of a published verdict -------------------------------------------------------


def test_an_articles_title_and_url_are_read_only_once_a_verdict_on_it_is_published(client):
    verdict = published_verdict()
    article = verdict.claim.article
    title, url = article.title, article.url
    client.force_login(editor())
    page = reverse("admin:articles_article_change", args=[article.pk])
    fields = change_form_fields(client, page)
    assert "title" not in fields and "url" not in fields and "byline" in fields
    response = client.post(
        page, {**fields, "title": "Retitled", "url": "https://elsewhere.example/", "byline": "B"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.url, article.byline) == (title, url, "B")


def test_the_article_service_refuses_to_retitle_an_article_with_a_published_verdict():
    from articles.services import article_update

    article = published_verdict().claim.article
    with pytest.raises(ValidationError, match="part of the published record"):
        article_update(article=article, title="Retitled", url=article.url)
    article.refresh_from_db()
    assert article.title != "Retitled"
    open_article = submitted_verdict().claim.article
    assert article_update(article=open_article, title="Retitled").title == "Retitled"
