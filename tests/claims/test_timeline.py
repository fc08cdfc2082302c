"""A claim's (and a canonical claim's) timeline, a page at a time: the history pages, the claim
page's latest entries, and the one pager they share with the desk's other lists."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims import notes, services, timeline, timeline_entries
from claims.matching import group_changes
from claims.models import Claim, ClaimEvent, ClaimEventKind
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    editor,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def rescored(claim, count: int) -> None:
    ClaimEvent.objects.bulk_create(
        ClaimEvent(claim=claim, kind=ClaimEventKind.RESCORED, note=f"pass {n}")
        for n in range(count)
    )


def test_a_claim_with_thousands_of_events_shows_one_page_of_its_history_in_few_queries(
    client, django_assert_max_num_queries
):
    claim = ClaimFactory()
    rescored(claim, 2000)
    client.force_login(editor())
    url = reverse("claims:history", args=[claim.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.context["timeline"]
    assert [entry.note for entry in page[:2]] == ["pass 0", "pass 1"]  # oldest first, as before
    assert len(page) == timeline.TIMELINE_PAGE_SIZE
    html = response.content.decode()
    assert "Entries 1–50 of 2,000, oldest first." in html
    assert '<nav class="pagination" aria-label="History pages">' in html
    assert "Page 1 of 40" in html and 'href="?page=2"' in html and 'href="?page=40"' in html
    last = client.get(url, {"page": "40"}).context["timeline"]
    assert last[-1].note == "pass 1999"
    assert client.get(url, {"page": "nonsense"}).context["timeline"][0].note == "pass 0"


def test_every_entry_of_a_mixed_history_is_on_exactly_one_page_in_time_order():
    checker = fact_checker()
    claim = ClaimFactory()
    for n in range(4):
        notes.claim_note_add(claim=claim, author=checker, text=f"Asked source {n}.")
        services.claim_assign(claim=Claim.objects.get(pk=claim.pk), actor=checker)
        services.claim_unassign(claim=Claim.objects.get(pk=claim.pk), actor=checker)
    published_verdict(claim=Claim.objects.get(pk=claim.pk), author=checker)
    whole = timeline.claim_timeline_page(claim, notes=True, per_page=1000).object_list
    paged, number = [], 1
    while True:
        page = timeline.claim_timeline_page(claim, notes=True, number=number, per_page=3)
        paged.extend(page.object_list)
        if not page.has_next():
            break
        number += 1
    assert paged == whole and page.paginator.count == len(whole)
    assert [entry.at for entry in paged] == sorted(entry.at for entry in paged)
    titles = [entry.title for entry in paged]
    assert titles.count("Research note") == 4
    assert titles.count("Assigned") == 4 and titles.count("Unassigned") == 4
    assert any(title.startswith("Verdict version") for title in titles)
    events = ClaimEvent.objects.filter(claim=claim).count()
    versions = sum(title.startswith("Verdict version") for title in titles)
    assert len(paged) == events + 4 + versions
    without_notes = timeline.claim_timeline_page(claim, notes=False, per_page=1000)
    assert "Research note" not in [entry.title for entry in without_notes]


def test_the_claim_page_shows_the_first_and_the_latest_entries_and_links_to_the_whole_history(
    client,
):
    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind=ClaimEventKind.DETECTED)
    rescored(claim, 15)
    client.force_login(fact_checker())
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.context["timeline_first"].title == "Detected"
    shown = [entry.note for entry in response.context["timeline"]]
    assert shown == [f"pass {n}" for n in range(5, 15)]
    html = response.content.decode()
    history = reverse("claims:history", args=[claim.pk])
    assert (
        "The first change and the 10 most recent of 16 changes, oldest first — "
        f'<a href="{history}">see the full history</a>.' in html
    )
    section = html.split('id="history-heading"')[1].split("</section>")[0]
    assert section.index("<strong>Detected</strong>") < section.index("5 earlier changes")
    assert section.index("5 earlier changes") < section.index("pass 5")


def test_the_claim_page_s_history_count_adds_up_to_the_full_history_s_with_its_notes(client):
    checker = fact_checker()
    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind=ClaimEventKind.DETECTED)
    rescored(claim, 44)
    for n in range(5):
        notes.claim_note_add(claim=claim, author=checker, text=f"Asked source {n}.")
    client.force_login(checker)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert (
        "The first change and the 10 most recent of 45 changes, oldest first; the full history "
        "also holds the 5 research notes listed above — " in page
    )
    history = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    assert "Entries 1–50 of 50, oldest first." in history


def test_the_claim_page_shows_a_short_history_whole_without_a_gap(client):
    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind=ClaimEventKind.DETECTED)
    rescored(claim, 3)
    client.force_login(fact_checker())
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.context["timeline_first"] is None
    assert [entry.title for entry in response.context["timeline"]][0] == "Detected"
    assert "earlier change" not in response.content.decode()


def test_the_group_history_pages_its_timeline_and_names_each_entry_s_claim(client):
    first = ClaimFactory(article=ArticleFactory(body="Crime fell by 40 percent."))
    repeat = ClaimFactory(article=ArticleFactory(body="Crime fell 40 percent."))
    group_changes.claim_group_link(claim=repeat, earlier=first)
    rescored(first, 60)
    ClaimEvent.objects.filter(claim=first).update(created_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(editor())
    url = reverse("claims:group_history", args=[Claim.objects.get(pk=first.pk).group_id])
    response = client.get(url)
    entries = response.context["timeline"]
    assert len(entries) == 50 and entries[0].title == f"Claim #{first.pk}: Re-scored"
    html = response.content.decode()
    assert '<nav class="pagination" aria-label="Timeline pages">' in html and "Page 1 of 2" in html
    second = client.get(url, {"page": "2"}).context["timeline"]
    assert second[-1].title.startswith("Group: ")  # the link came after the day-old events


def test_the_group_history_s_old_address_redirects_for_editors_only_keeping_the_pagers(client):
    first = ClaimFactory(article=ArticleFactory(body="Crime fell by 40 percent."))
    group_changes.claim_group_link(claim=ClaimFactory(), earlier=first)
    group_id = Claim.objects.get(pk=first.pk).group_id
    old = f"/canonical-claims/{group_id}/"
    assert client.get(old)["Location"].startswith(reverse("login"))
    client.force_login(fact_checker())
    assert client.get(old).status_code == 403
    client.force_login(editor())
    moved = client.get(old, {"page": "2", "changes": "1"})
    assert moved.status_code == 301
    assert moved["Location"] == f"/claim-groups/{group_id}/?page=2&changes=1"
    assert client.get(old)["Location"] == reverse("claims:group_history", args=[group_id])


def test_the_desk_history_pager_keeps_the_person_filter_on_every_page(client):
    boss = editor()
    for _ in range(55):
        services.claim_assign(claim=ClaimFactory(), actor=boss)
    client.force_login(boss)
    html = client.get(reverse("claims:desk_history"), {"person": boss.pk}).content.decode()
    assert f'href="?person={boss.pk}&amp;page=2"' in html and "Page 1 of 2" in html
    html = client.get(reverse("claims:desk_history"), {"person": boss.pk, "page": 2}).text
    assert f'href="?person={boss.pk}&amp;page=1" rel="prev"' in html


def test_a_bad_date_on_the_desk_history_is_marked_and_the_person_filter_still_applies(client):
    boss, other = editor(username="boss"), fact_checker(username="other")
    services.claim_assign(claim=ClaimFactory(), actor=boss)
    services.claim_assign(claim=ClaimFactory(), actor=other)
    client.force_login(boss)
    response = client.get(
        reverse("claims:desk_history"), {"person": other.pk, "date_from": "2026-13-45"}
    )
    html = response.content.decode()
    assert "Enter the first day as year-month-day, such as 2026-11-18." in html
    assert [event.actor for event in response.context["page"]] == [other]


def test_the_group_history_pages_a_large_group_s_appearances_keeping_the_timeline_page(client):
    first = ClaimFactory(article=ArticleFactory(body="Crime fell by 40 percent."))
    repeat = ClaimFactory(article=ArticleFactory(body="Crime fell 40 percent."))
    group_changes.claim_group_link(claim=repeat, earlier=first)
    group_id = Claim.objects.get(pk=first.pk).group_id
    for n in range(53):
        ClaimFactory(article=ArticleFactory(body=f"Crime fell, take {n}."), group_id=group_id)
    client.force_login(editor())
    url = reverse("claims:group_history", args=[group_id])
    html = client.get(url).content.decode()
    assert "Appearances (55)" in html and html.count("data-appearance=") == 50
    assert '<nav class="pagination" aria-label="Appearance pages">' in html
    assert 'href="?appearances=2"' in html
    html = client.get(url, {"page": "1", "appearances": "2"}).content.decode()
    assert html.count("data-appearance=") == 5
    assert 'href="?page=1&amp;appearances=1" rel="prev"' in html


def test_a_version_that_changed_only_the_sources_is_listed_so_no_version_number_is_missing():
    from tests.factories import drafted_verdict, verdict_saved_again

    verdict = drafted_verdict()
    old_source = verdict.sources.get()
    verdict_saved_again(
        verdict,
        actor=verdict.author,
        sources=[{"url": "https://other.example.net/data", "title": "Other data"}],
    )
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    titles = [entry.title for entry in entries]
    assert [t for t in titles if t.startswith("Verdict version")] == [
        "Verdict version 1",
        "Verdict version 2",
    ]
    drafted = [entry for entry in entries if entry.title == "Verdict drafted"][-1]
    assert ("sources added", "https://other.example.net/data") in drafted.details
    assert ("sources removed", old_source.url) in drafted.details
    second = [entry for entry in entries if entry.title == "Verdict version 2"][0]
    assert second.changes == [
        (
            "sources",
            f"{old_source.title} <{old_source.url}>",
            "Other data <https://other.example.net/data>",
        )
    ]
    assert second.note == ""


def test_a_correction_that_replaced_the_sources_lists_the_change_under_its_own_version():
    from tests.factories import sources_corrected

    verdict = published_verdict()
    old_source = verdict.sources.get()
    sources_corrected(
        verdict, sources=[{"url": "https://new.example.org/data", "title": "New data"}]
    )
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    versions = {e.title: e for e in entries if e.title.startswith("Verdict version")}
    published, corrected = versions["Verdict version 3"], versions["Verdict version 4"]
    assert [field for field, _, _ in published.changes] == ["status"]
    assert corrected.changes == [
        (
            "sources",
            f"{old_source.title} <{old_source.url}>",
            "New data <https://new.example.org/data>",
        )
    ]
    assert corrected.note == ""


def test_a_correction_stored_sources_first_still_lists_its_change_under_its_own_version():
    from claims import corrections
    from claims.models import Correction, published_sources_replaceable
    from claims.verdict_conflicts import verdict_locked
    from claims.verdict_content import sources_replace

    verdict = published_verdict()
    old_source = verdict.sources.get()
    # As corrections were written until 2026-12-02 before its sources moved after the version: the
    # new sources first, then the verdict's new version.
    boss = editor()
    with transaction.atomic():
        locked = verdict_locked(verdict, verdict.version, actor=boss)
        Correction.objects.create(verdict=locked, note="A better source.", created_by=boss)
        with published_sources_replaceable(verdicts=[locked]):
            sources_replace(locked, [{"url": "https://new.example.org/data", "title": "New data"}])
        corrections._correction_republish(
            claim=locked.claim,
            verdict=locked,
            writer=boss,
            publisher=boss,
            note="A better source.",
            data={},
        )
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    versions = {e.title: e for e in entries if e.title.startswith("Verdict version")}
    assert [field for field, _, _ in versions["Verdict version 3"].changes] == ["status"]
    assert versions["Verdict version 4"].changes == [
        (
            "sources",
            f"{old_source.title} <{old_source.url}>",
            "New data <https://new.example.org/data>",
        )
    ]


def test_an_old_version_that_changed_nothing_says_so_instead_of_an_empty_entry(client):
    from claims.models import EvidenceSource
    from tests.factories import drafted_verdict

    verdict = drafted_verdict()
    # As a save did before unchanged saves wrote nothing: a new version, the same sources
    # deleted and written again.
    verdict.version += 1
    verdict.save()
    for source in list(verdict.sources.all()):
        source.delete()
        EvidenceSource.objects.create(
            verdict=verdict, url=source.url, title=source.title, accessed_on=source.accessed_on
        )
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    first, second = [entry for entry in entries if entry.title.startswith("Verdict version")]
    assert (first.title, first.note) == ("Verdict version 1", "")
    assert (second.title, second.changes) == ("Verdict version 2", [])
    assert second.note == timeline_entries.UNCHANGED_VERSION_NOTE
    client.force_login(editor())
    page = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert "Saved without a change to its rating, wording or sources." in page


def test_a_published_claim_s_history_links_its_public_page(client):
    verdict = published_verdict()
    client.force_login(editor())
    html = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert (
        f'Published · <a href="{reverse("claims:public", args=[verdict.pk])}">Public page</a>'
        in html
    )
    draft = ClaimFactory()
    html = client.get(reverse("claims:history", args=[draft.pk])).content.decode()
    assert "Public page" not in html and '<p class="meta">New</p>' in html


def test_the_group_history_names_the_narration_beside_the_speakers(client):
    from tests.factories import SpeakerFactory

    said = ClaimFactory(
        article=ArticleFactory(body="Crime fell by 40 percent."), speaker=SpeakerFactory(name="Ann")
    )
    narrated = ClaimFactory(article=ArticleFactory(body="Crime fell 40 percent."), speaker=None)
    group_changes.claim_group_link(claim=narrated, earlier=said)
    client.force_login(editor())
    url = reverse("claims:group_history", args=[Claim.objects.get(pk=said.pk).group_id])
    section = (
        client.get(url).content.decode().split('id="speakers-heading"')[1].split("</section>")[0]
    )
    assert ">Ann</a>" in section and "Only the articles' own narration." not in section
    assert "and, without a speaker, the articles' own narration" in section


def test_a_note_taken_back_while_its_history_page_is_read_leaves_the_page_without_it():
    checker = fact_checker()
    claim = ClaimFactory()
    note = notes.claim_note_add(claim=claim, author=checker, text="Called the ministry.")
    services.claim_assign(claim=Claim.objects.get(pk=claim.pk), actor=checker)
    # The page's keys are read, then the note is removed, then the page's rows are read.
    sources = timeline._Sources([claim.pk], notes=True)
    keys = list(sources.keys().order_by("at", "source", "key"))
    notes.claim_note_remove(note=note, actor=checker)
    assert [entry.title for entry in sources.entries(keys)] == ["Assigned"]


def test_an_event_s_details_read_as_words_not_as_the_stored_keys(client):
    claim = ClaimFactory()
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.DETECTED,
        data={"model_version": "cw-7", "check_worthiness": 0.9955, "threshold": 0.44},
    )
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.SPEAKER_CORRECTED,
        data={
            "from": "Smith",
            "to": "John Smith",
            "previous": {"speaker": "Smith", "cue": "said", "direct_quote": False},
            "cue": "added",
            "direct_quote": True,
        },
    )
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.SPEAKER_MERGED,
        data={"from": "Blinken", "to": "Antony Blinken", "merge": 41},
    )
    client.force_login(editor())
    html = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    history = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "check-worthiness: 0.9955 · threshold: 0.44 · model: cw-7" in history
    assert (
        "from: Smith · to: John Smith · cue: added · direct quote: yes · "
        "before: speaker Smith, cue said, direct quote no"
    ) in history
    assert "from: Blinken · to: Antony Blinken</p>" in history
    assert "model_version" not in history and "{" not in history and "merge:" not in history


def test_the_first_verdict_version_shows_what_it_was_written_with():
    verdict = published_verdict(conclusion="The figure is wrong.")
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    first = next(entry for entry in entries if entry.title == "Verdict version 1")
    source = verdict.sources.get()
    assert first.changes == [
        ("rating", "—", verdict.rating.label),
        ("conclusion", "—", "The figure is wrong."),
        ("explanation", "—", verdict.explanation),
        ("status", "—", "Draft"),
        ("sources", "—", f"{source.title} <{source.url}>"),
    ]


def test_a_claim_s_history_shows_who_confirmed_it_as_a_repeat_and_who_split_it_out(client):
    from claims.models import MatchSuggestion

    earlier, repeat = ClaimFactory(), ClaimFactory()
    checker = fact_checker(username="fc")
    suggestion = MatchSuggestion.objects.create(
        claim=repeat, candidate=earlier, score=0.7, level="suggested"
    )
    group_changes.suggestion_confirm(suggestion=suggestion, actor=checker)
    group_changes.claim_split(claim=Claim.objects.get(pk=repeat.pk), actor=checker)
    client.force_login(checker)
    html = client.get(reverse("claims:history", args=[repeat.pk])).content.decode()
    assert "<strong>Group: Match confirmed</strong> · fc" in html
    assert "<strong>Group: Split out</strong> · fc" in html
    assert f"claim: #{repeat.pk}" not in html  # its own page: no need to name it


def test_the_first_version_shows_what_the_verdict_started_as(client):
    from tests.factories import drafted_verdict

    verdict = drafted_verdict()
    source = verdict.sources.get()
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    (first,) = [entry for entry in entries if entry.title == "Verdict version 1"]
    assert ("rating", "—", verdict.rating.label) in first.changes
    assert ("conclusion", "—", verdict.conclusion) in first.changes
    assert ("status", "—", "Draft") in first.changes
    assert ("sources", "—", f"{source.title} <{source.url}>") in first.changes
    client.force_login(editor())
    page = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert verdict.conclusion in page
    # Each field named as the verdict form labels it, not in lower case.
    assert '<th scope="row">Rating</th>' in page and '<th scope="row">Sources</th>' in page


def test_a_verdict_drafted_event_names_the_sources_only_when_they_changed():
    from claims import verdicts
    from tests.factories import drafted_verdict

    verdict = drafted_verdict(sources=2)
    kept = [
        {"url": source.url, "title": source.title, "note": source.note}
        for source in verdict.sources.order_by("id")
    ]

    def save(verdict, conclusion, sources):
        return verdicts.verdict_save(
            claim=verdict.claim,
            actor=verdict.author,
            expected_version=verdict.version,
            rating=verdict.rating,
            conclusion=conclusion,
            explanation=verdict.explanation,
            sources=sources,
        )

    verdict = save(verdict, "Reworded once.", kept)
    verdict = save(verdict, "Reworded twice.", kept)
    renamed = [kept[0], {**kept[1], "title": "Report 1, revised"}]
    save(verdict, "Reworded twice.", renamed)
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    drafted = [dict(entry.details) for entry in entries if entry.title == "Verdict drafted"]
    assert drafted[0] == {"sources added": f"{kept[0]['url']}, {kept[1]['url']}"}
    assert drafted[1] == drafted[2] == {}  # the wording changed, not the sources
    assert drafted[3] == {"sources changed": kept[1]["url"]}


def test_a_correction_s_version_names_who_wrote_it_and_the_editor_who_published_it(client):
    from tests.factories import verdict_corrected

    verdict = published_verdict()
    writer, boss = fact_checker(username="checker"), editor(username="boss")
    verdict_corrected(verdict, writer=writer, publisher=boss, conclusion="Mostly wrong.")
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    versions = {e.title: e for e in entries if e.title.startswith("Verdict version")}
    assert versions["Verdict version 4"].actor == "written by checker, published by boss"
    # The version the first editor published was written before, by the author it names.
    assert versions["Verdict version 3"].actor == verdict.editor.get_username()
    client.force_login(boss)
    page = client.get(reverse("claims:history", args=[verdict.claim_id])).content.decode()
    assert "Verdict version 4</strong> · written by checker, published by boss" in page


def test_a_speaker_change_under_a_draft_does_not_credit_the_editor_with_its_wording():
    from tests.factories import drafted_verdict

    verdict = drafted_verdict()
    boss = editor(username="boss")
    services.attribution_contributions_record(claim_ids=[verdict.claim_id], actor=boss)
    entries = timeline.claim_timeline_page(verdict.claim, notes=False).object_list
    (first,) = [entry for entry in entries if entry.title == "Verdict version 1"]
    assert first.actor == verdict.author.get_username()
