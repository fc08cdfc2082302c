"""The admin's history pages are a record to read: posting one of simple-history's "revert"
forms must not save an earlier version (it bypasses the workflow, the record guards and the
permissions: a view permission is all simple-history asks for)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from claims import services, verdicts
from claims.models import EvidenceSource
from claims.speaker_edits import speaker_edit
from tests.factories import (
    ClaimFactory,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def _revert_url(obj, version) -> str:
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, version.history_id])


def test_a_fact_checker_cannot_revert_a_corrected_speaker_name_from_the_admin_history(client):
    speaker = services.speaker_resolve(name="Ann Exampel", role="Mayor")
    published_verdict(claim=ClaimFactory(speaker=speaker))
    speaker_edit(
        speaker=speaker,
        actor=editor(),
        name="Ann Example",
        role="Mayor",
        correction_note="We misspelt the mayor's name.",
    )
    misspelt = speaker.history.filter(name="Ann Exampel").earliest()
    client.force_login(fact_checker())
    response = client.post(
        _revert_url(speaker, misspelt),
        {"slug": speaker.slug, "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 403
    speaker.refresh_from_db()
    assert speaker.name == "Ann Example"


def test_an_editor_cannot_bring_back_a_source_of_a_verdict_in_review_from_its_history(client):
    draft = drafted_verdict()
    draft = verdicts.verdict_save(
        claim=draft.claim,
        actor=draft.author,
        expected_version=draft.version,
        rating=draft.rating,
        conclusion=draft.conclusion,
        sources=[{"url": "https://example.org/new", "title": "New"}],
    )
    verdict = verdicts.verdict_submit(verdict=draft, actor=draft.author)
    replaced = EvidenceSource.history.get(verdict_id=verdict.pk, history_type="-")
    client.force_login(editor())
    fields = {"verdict": verdict.pk, "url": replaced.url, "title": replaced.title}
    response = client.post(
        _revert_url(replaced.instance, replaced),
        {**fields, "note": "", "accessed_on": str(replaced.accessed_on)},
    )
    assert response.status_code == 403
    assert list(verdict.sources.values_list("url", flat=True)) == ["https://example.org/new"]


def test_an_old_version_of_a_speaker_on_record_can_still_be_read(client):
    speaker = services.speaker_resolve(name="Ann Exampel", role="Mayor")
    published_verdict(claim=ClaimFactory(speaker=speaker))
    version = speaker.history.earliest()
    client.force_login(editor())
    response = client.get(_revert_url(speaker, version))
    assert response.status_code == 200
    assert "Ann Exampel" in response.content.decode()


def test_every_admin_with_history_refuses_reverts():
    from claims.admin.base import HistoryReadOnlyMixin

    with_history = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert with_history
    assert [
        type(model_admin).__name__
        for model_admin in with_history
        if not isinstance(model_admin, HistoryReadOnlyMixin)
    ] == []


def test_a_verdict_s_admin_history_names_who_wrote_a_correction_its_editor_published(client):
    from tests.factories import verdict_corrected

    verdict = published_verdict()
    writer, boss = fact_checker(username="checker"), editor(username="boss")
    verdict_corrected(verdict, writer=writer, publisher=boss, conclusion="Mostly wrong.")
    client.force_login(boss)
    page = client.get(reverse("admin:claims_verdict_history", args=[verdict.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # Once, for the correction's version: every other version was saved by whoever wrote it.
    assert html.count("<p>Written by ") == 1 and "<p>Written by checker</p>" in html


def test_a_verdict_s_admin_history_names_who_saved_a_version_outside_a_request(client):
    # Services run here as a task or a command would, with no request: simple-history
    # records no history_user, and the version's updated_by is whom it was saved for.
    verdict = published_verdict(
        author=fact_checker(username="checker"), publisher=editor(username="boss")
    )
    client.force_login(editor())
    html = client.get(reverse("admin:claims_verdict_history", args=[verdict.pk])).content.decode()
    changed_by = re.findall(r"<td>(?:Created|Changed)</td>\s*<td>\s*(.*?)\s*</td>", html, re.S)
    # Newest first: published by the editor, submitted and drafted by the fact-checker.
    assert [re.sub(r"<[^>]+>", "", cell) for cell in changed_by] == ["boss", "checker", "checker"]
    assert "no user recorded" not in html


def test_a_verdict_s_admin_history_says_why_no_one_is_named_where_no_user_is_known(client):
    verdict = published_verdict()
    verdict.history.filter(version=1).update(updated_by=None)  # as rows from before it was kept
    client.force_login(editor())
    html = client.get(reverse("admin:claims_verdict_history", args=[verdict.pk])).content.decode()
    changed_by = re.findall(r"<td>(?:Created|Changed)</td>\s*<td>\s*(.*?)\s*</td>", html, re.S)
    assert changed_by[-1] == "None" and html.count("Changed by: no user recorded") == 1


def _history_rows(html: str) -> list[list[str]]:
    """Each row of the admin's history table, newest first, as the text of its cells (object,
    date, comment, changed by, change reason, changes)."""
    table = html[html.index('id="change-history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]  # the first is the header
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_a_verdict_s_admin_history_gives_the_event_that_made_each_version_as_its_reason(client):
    from tests.factories import verdict_corrected

    verdict = published_verdict()
    verdict_corrected(verdict, writer=fact_checker(), publisher=editor(), conclusion="Mostly.")
    client.force_login(editor())
    html = client.get(reverse("admin:claims_verdict_history", args=[verdict.pk])).content.decode()
    reasons = [row[4] for row in _history_rows(html)]
    assert reasons == [
        "Correction published",
        "Published",
        "Submitted for review",
        "Verdict drafted",
    ]


def test_a_verdict_s_admin_history_names_the_writer_only_on_the_record_that_made_the_version(
    client,
):
    from tests.factories import verdict_corrected

    verdict = published_verdict()
    writer = fact_checker(username="checker")
    verdict_corrected(verdict, writer=writer, publisher=editor(), conclusion="Mostly.")
    # A second record of the corrected version, as saves from before every save counted one
    # wrote (a timestamp): the same version, not the same writing.
    verdict.refresh_from_db()
    verdict.save()
    client.force_login(editor())
    html = client.get(reverse("admin:claims_verdict_history", args=[verdict.pk])).content.decode()
    changes = [row[5] for row in _history_rows(html)]
    assert ["Written by checker" in cell for cell in changes] == [False, True, False, False, False]
