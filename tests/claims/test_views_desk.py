import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import ClaimEvent
from tests.a11y import parse, text_of
from tests.factories import (
    ClaimFactory,
    SpeakerFactory,
    active_rating,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_the_desk_history_filters_by_person_and_date(client, boss):
    alice, bob = fact_checker(username="alice"), fact_checker(username="bob")
    first, second = ClaimFactory(), ClaimFactory()
    services.claim_assign(claim=first, actor=alice)
    services.claim_assign(claim=second, actor=bob)
    ClaimEvent.objects.filter(actor=bob).update(
        created_at=timezone.make_aware(dt.datetime(2024, 3, 1, 12))
    )
    url = reverse("claims:desk_history")
    everyone = client.get(url).context["page"]
    assert {event.actor.username for event in everyone} == {"alice", "bob"}
    only_alice = client.get(url, {"person": alice.pk}).context["page"]
    assert [event.claim for event in only_alice] == [first]
    march = client.get(url, {"date_from": "2024-03-01", "date_to": "2024-03-31"}).context["page"]
    assert [event.actor for event in march] == [bob]
    html = client.get(url, {"person": bob.pk}).content.decode()
    assert "Assigned" in html and reverse("claims:history", args=[second.pk]) in html


def test_the_speaker_page_shows_aliases_claims_and_a_rating_chart(client, boss):
    speaker = services.speaker_resolve(name="Ada Mayor", role="Mayor", aliases=["the mayor"])
    published_verdict(claim=ClaimFactory(speaker=speaker), rating=active_rating("false"))
    published_verdict(claim=ClaimFactory(speaker=speaker), rating=active_rating("false"))
    published_verdict(claim=ClaimFactory(speaker=speaker), rating=active_rating("true"))
    ClaimFactory(speaker=speaker)
    response = client.get(reverse("claims:speaker_detail", args=[speaker.slug]))
    html = response.content.decode()
    assert "Ada Mayor" in html and "Mayor" in html and "the mayor" in html
    assert len(response.context["page"]) == 4
    counts = {bar.label: bar.count for bar in response.context["distribution"]}
    assert counts["False"] == 2 and counts["True"] == 1 and counts["Half True"] == 0
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and "False 2" in svg
    assert svg.count("<rect") == len(counts)
    widest = max(response.context["distribution"], key=lambda bar: bar.count)
    assert widest.label == "False" and widest.width == 300


def test_the_dashboard_counts_and_charts(client, boss):
    speaker = SpeakerFactory(name="Most Checked")
    verdict = published_verdict(claim=ClaimFactory(speaker=speaker))
    ClaimFactory()
    response = client.get(reverse("claims:dashboard"))
    context = response.context
    assert dict(context["status_counts"])["Published"] == 1
    assert dict(context["status_counts"])["New"] == 1
    assert context["median_to_publication"].endswith(("second", "seconds", "minutes"))
    assert context["published_count"] == 1
    assert sum(bar.count for bar in context["week_bars"]) == 1
    assert len(context["week_bars"]) == 12
    assert context["week_bars"][-1].count == 1
    # The busiest week's column is the chart's full height; an empty week's is none.
    this_week, empty = context["week_bars"][-1], context["week_bars"][0]
    assert (this_week.width, this_week.top, this_week.y) == (120, 10, 11 * 40)
    assert (empty.width, empty.top) == (0, 130)
    assert [s.name for s in context["top_speakers"]] == ["Most Checked"]
    html = response.content.decode()
    assert "Verdicts published per week" in html and "<svg" in html
    assert verdict.claim.speaker.name in html


def test_the_dashboards_weekly_chart_reads_each_week_in_full_to_a_screen_reader(client, boss):
    published_verdict()
    html = client.get(reverse("claims:dashboard")).content.decode()
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    first = monday - dt.timedelta(weeks=11)
    title = parse(html).find(id="weekly-title")
    assert text_of(title).startswith(
        f"Verdicts published per week, the last 12: 0 in the week of {first:%-d %b %Y}, "
    )
    assert text_of(title).endswith(f", 1 in the week of {monday:%-d %b %Y}")
    # Under each column, short: the day and month the week starts.
    assert f">{monday:%-d %b}</text>" in html


def test_an_empty_dashboard_says_so_in_sentences_instead_of_empty_charts_and_lists(client, boss):
    html = client.get(reverse("claims:dashboard")).content.decode()
    weekly = parse(html).find("section", attrs={"aria-labelledby": "weekly-heading"})
    assert weekly.find("svg") is None
    first = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday(), weeks=11)
    assert text_of(weekly.p) == (
        f"No verdicts were published in the last 12 weeks (since the week of {first:%-d %b %Y})."
    )
    speakers = parse(html).find("section", attrs={"aria-labelledby": "speakers-heading"})
    assert speakers.find("ol") is None
    assert "No speaker has a published fact-check yet." in text_of(speakers)


def test_the_dashboards_top_speakers_are_read_once_until_a_verdict_is_published(
    client, boss, django_capture_on_commit_callbacks
):
    ann, bo = SpeakerFactory(name="Ann Often"), SpeakerFactory(name="Bo Seldom")
    with django_capture_on_commit_callbacks(execute=True):
        published_verdict(claim=ClaimFactory(speaker=ann))
        published_verdict(claim=ClaimFactory(speaker=ann))
        published_verdict(claim=ClaimFactory(speaker=bo))
    ClaimFactory(speaker=bo)  # an open claim counts for nothing
    url = reverse("claims:dashboard")
    assert [(s.name, s.checked) for s in client.get(url).context["top_speakers"]] == [
        ("Ann Often", 2),
        ("Bo Seldom", 1),
    ]
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if '"claims_speaker"' in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        published_verdict(claim=ClaimFactory(speaker=bo))
        published_verdict(claim=ClaimFactory(speaker=bo))
    assert [(s.name, s.checked) for s in client.get(url).context["top_speakers"]] == [
        ("Bo Seldom", 3),
        ("Ann Often", 2),
    ]


def test_the_top_speakers_stay_current_when_the_cache_loses_the_published_generation(
    client, boss, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from claims.record import PUBLISHED_GENERATION_KEY

    # The cache drops the number (evicted under memory pressure, or lost with a restart of a
    # cache kept in memory): a number it gives out again must not be one used before, or the
    # pages cached under that earlier number come back.
    cache.delete(PUBLISHED_GENERATION_KEY)
    url = reverse("claims:dashboard")
    assert client.get(url).context["top_speakers"] == []
    with django_capture_on_commit_callbacks(execute=True):
        published_verdict(claim=ClaimFactory(speaker=SpeakerFactory(name="Ann Often")))
    cache.delete(PUBLISHED_GENERATION_KEY)
    assert [s.name for s in client.get(url).context["top_speakers"]] == ["Ann Often"]


def test_durations_read_like_a_person_wrote_them():
    from datetime import timedelta

    from claims.selectors import duration_text

    assert duration_text(timedelta(days=2, hours=3, minutes=5)) == "2 days 3 hours"
    assert duration_text(timedelta(hours=1, minutes=1)) == "1 hour 1 minute"
    assert duration_text(timedelta(seconds=40)) == "40 seconds"
    assert duration_text(timedelta(0)) == "under a second"


def test_the_desk_history_names_statuses_as_the_desk_does_not_by_their_codes(client, boss):
    published_verdict(publisher=boss)
    html = client.get(reverse("claims:desk_history")).content.decode()
    assert "(In review → Published)" in html
    assert "in_review" not in html and "in_progress" not in html


def test_the_claim_timeline_names_a_verdict_status_change_by_its_label(client, boss):
    verdict = published_verdict(publisher=boss)
    timeline = client.get(reverse("claims:history", args=[verdict.claim_id])).context["timeline"]
    status_changes = [
        (old, new) for entry in timeline for name, old, new in entry.changes if name == "status"
    ]
    assert ("Draft", "Submitted for review") in status_changes
    assert ("Submitted for review", "Published") in status_changes


def test_a_speaker_with_nothing_published_gets_a_sentence_not_a_chart_of_zeros(client, boss):
    speaker = SpeakerFactory(name="Ada Mayor")
    ClaimFactory(speaker=speaker)
    html = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    section = html.split('id="ratings-heading"')[1].split("</section>")[0]
    assert "<svg" not in section
    assert "No claim by <bdi>Ada Mayor</bdi> has a published fact-check yet." in section


def test_a_speaker_whose_name_is_a_plural_gets_no_groups_s_on_its_page(client, boss):
    speaker = SpeakerFactory(name="Health groups")
    ClaimFactory(speaker=speaker)
    html = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    assert "No claim by <bdi>Health groups</bdi> has a published fact-check yet." in html
    assert "groups's" not in html and "groups&#x27;s" not in html


def test_the_dashboard_median_is_the_middle_time_to_publication(client, boss):
    # PostgreSQL computes it (percentile_cont), SQLite in Python: the same figure either way.
    hours = [1, 3, 8]
    for taken in hours:
        verdict = published_verdict(claim=ClaimFactory())
        type(verdict).objects.filter(pk=verdict.pk).update(
            published_at=verdict.claim.created_at + dt.timedelta(hours=taken)
        )
    assert client.get(reverse("claims:dashboard")).context["median_to_publication"] == "3 hours"
    verdict = published_verdict(claim=ClaimFactory())
    type(verdict).objects.filter(pk=verdict.pk).update(
        published_at=verdict.claim.created_at + dt.timedelta(hours=12)
    )
    # An even count: the mean of the two middle times (3 and 8 hours).
    context = client.get(reverse("claims:dashboard")).context
    assert context["median_to_publication"] == "5 hours 30 minutes"
    assert context["published_count"] == 4


def test_the_desk_history_offers_only_people_who_did_something(client, boss):
    alice, idle = fact_checker(username="alice"), fact_checker(username="idle")
    for _ in range(3):
        services.claim_assign(claim=ClaimFactory(), actor=alice)
    form = client.get(reverse("claims:desk_history")).context["form"]
    offered = list(form.fields["person"].queryset)
    assert offered == [alice] and idle not in offered


def test_the_desk_history_says_when_its_period_ends_before_it_starts(client, boss):
    services.claim_assign(claim=ClaimFactory(), actor=fact_checker(username="alice"))
    response = client.get(
        reverse("claims:desk_history"), {"date_from": "2024-03-31", "date_to": "2024-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["The period ends before it starts."]
    assert "The period ends before it starts." in response.text
    assert len(response.context["page"]) == 1  # the filter is left out, not an empty page


def test_the_speaker_page_links_each_claim_to_its_article(client, boss):
    speaker = SpeakerFactory(name="Ada Mayor")
    claim = ClaimFactory(speaker=speaker)
    html = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    article_link = f'<a href="{reverse("articles:detail", args=[claim.article_id])}">'
    assert article_link in html.split('id="claims-heading"')[1]
