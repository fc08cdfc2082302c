"""A newsroom's worth of desk data, written with bulk_create: for bench/desk_pages.py.

    fill(claims=50_000)    # about 5,000 articles, 2,000 speakers, every claim and verdict state

Called inside a configured Django process (django.setup() done) on an empty, migrated
PostgreSQL database. Seeded, so two fills of the same size give the same rows. What it writes,
for N claims:

- N / 10 articles (ten claims and two other sentences each) from 50 outlets, dated over three
  years; a sentence row for each of the twelve, as analysis leaves them;
- 2,000 speakers (with an alias each), 85% of claims spread over them unevenly, 1/rank (a few
  speakers say a lot: the busiest has about a tenth of the claims, as a head of government
  would); the rest are the article's own narration;
- claims in every state: about 45% new, 15% in progress (half of them with a verdict, a draft
  or one an editor returned), 5% in review, 20% published, 15% dismissed; priorities,
  assignees;
- verdicts with one or two sources, their simple-history versions, 5% of published ones
  corrected once;
- workflow events for each transition (detected, assigned, drafted, submitted, returned,
  published, dismissed), research notes on about 10% of claims;
- about 20% of claims in repeat groups of 2 to 6 (founder plus automatic links, with the group
  events), and open match suggestions on about 3% of claims.
"""

import hashlib
import random
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from api_verdicts import TOPICS as API_TOPICS

SPEAKERS = 2_000
OUTLETS = 50
CLAIMS_PER_ARTICLE = 10
BATCH = 2_000

# The API bench's topics (one vocabulary for the benches' made-up claims) and three more.
TOPICS = [*API_TOPICS, "vaccination rates", "asylum applications", "electricity bills"]
VERBS = ["grew", "fell", "doubled", "rose", "dropped", "climbed", "shrank", "halved"]
FIRST = [
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Karim", "Lena", "Marta", "Nils", "Olga", "Pavel", "Quentin", "Rosa", "Sami", "Tara",
]  # fmt: skip
LAST = [
    "Smith", "Okafor", "Novak", "Garcia", "Larsen", "Rossi", "Kim", "Dubois", "Weber", "Ali",
    "Moreau", "Silva", "Jensen", "Kowalski", "Nakamura", "Haddad", "Ivanova", "Byrne", "Costa",
    "Fischer", "Lindqvist", "Mendes", "Ortiz", "Petrov", "Quinn",
]  # fmt: skip


def _claim_sentence(rng: random.Random, speaker: str | None, n: int) -> str:
    subject = speaker or "The report"
    return (
        f"{subject} said {rng.choice(TOPICS)} {rng.choice(VERBS)} by "
        f"{rng.randint(2, 90)} percent in {rng.randint(2015, 2026)} (figure {n})."
    )


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return "new"
    if roll < 0.60:
        return "in_progress"
    if roll < 0.65:
        return "in_review"
    if roll < 0.85:
        return "published"
    return "dismissed"


def fill(*, claims: int, seed: int = 20261202) -> dict[str, int]:
    """Write the data set; return how many rows of each kind."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from articles.models import Article, Outlet
    from claims.models import (
        Claim,
        ClaimEvent,
        ClaimNote,
        Correction,
        EvidenceSource,
        Rating,
        Sentence,
        Speaker,
        SpeakerAlias,
        Verdict,
    )
    from claims.models.published import published_sources_replaceable
    from claims.modified import verdicts_modified
    from claims.nlp.speakers import speaker_key

    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    started = time.perf_counter()
    now = datetime.now(UTC)
    user_model = get_user_model()
    checkers = [
        user_model.objects.create_user(f"bench-checker-{n}", is_staff=True) for n in range(8)
    ]
    editors = [user_model.objects.create_user(f"bench-editor-{n}", is_staff=True) for n in range(3)]
    Group.objects.get(name="Fact-checkers").user_set.add(*checkers)
    Group.objects.get(name="Editors").user_set.add(*editors)
    ratings = list(Rating.objects.filter(scale__is_active=True).values_list("pk", flat=True))

    with transaction.atomic(), _given_dates_kept(now):
        outlets = Outlet.objects.bulk_create(
            [Outlet(name=f"Outlet {n}", domain=f"outlet{n}.example") for n in range(OUTLETS)]
        )
        names = [f"{first} {last}" for first in FIRST for last in LAST]  # 500 full names
        speakers = Speaker.objects.bulk_create(
            [
                Speaker(
                    name=f"{names[n % len(names)]}{'' if n < len(names) else f' {n}'}",
                    slug=f"bench-speaker-{n}",
                    role=rng.choice(["Minister", "MP", "Mayor", "Spokesperson", ""]),
                )
                for n in range(SPEAKERS)
            ],
            batch_size=BATCH,
        )
        SpeakerAlias.objects.bulk_create(
            [SpeakerAlias(speaker=s, alias=s.name, key=speaker_key(s.name)) for s in speakers],
            batch_size=BATCH,
        )
        # Zipf-like: speaker k is chosen with weight 1/(k+1), so a few speakers say a lot.
        weights = [1 / (k + 1) for k in range(SPEAKERS)]

        article_count = max(1, claims // CLAIMS_PER_ARTICLE)
        articles, article_texts = [], []
        for n in range(article_count):
            texts, said_by = [], []
            for position in range(CLAIMS_PER_ARTICLE + 2):
                is_claim = (
                    position < CLAIMS_PER_ARTICLE and n * CLAIMS_PER_ARTICLE + position < claims
                )
                speaker = rng.choices(speakers, weights)[0] if rng.random() < 0.85 else None
                if is_claim:
                    texts.append(_claim_sentence(rng, speaker.name if speaker else None, n))
                else:
                    texts.append(f"Reporters in the chamber counted {position} remarks.")
                    speaker = None
                said_by.append((speaker, is_claim))
            body = "\n".join(" ".join(texts[i : i + 3]) for i in range(0, len(texts), 3))
            published_at = now - timedelta(days=rng.uniform(10, 3 * 365))
            articles.append(
                Article(
                    title=f"Newsroom article {n}: {rng.choice(TOPICS)}",
                    outlet=rng.choice(outlets),
                    url=f"https://news.example/{n}",
                    published_at=published_at,
                    body=body,
                    content_hash=hashlib.sha256(body.encode()).hexdigest(),
                    source_kind="import",
                    analysis_status="done",
                    analysis_model_version="bench",
                    created_at=published_at,
                )
            )
            article_texts.append((body, texts, said_by))
        Article.objects.bulk_create(articles, batch_size=BATCH)

        sentences, claim_rows = [], []
        for article, (body, texts, said_by) in zip(articles, article_texts, strict=True):
            offset = 0
            for index, (text, (speaker, is_claim)) in enumerate(zip(texts, said_by, strict=True)):
                start = body.index(text, offset)
                end = start + len(text)
                offset = end
                score = round(rng.random(), 3)
                sentences.append(
                    Sentence(
                        article=article,
                        index=index,
                        start=start,
                        end=end,
                        text=text,
                        speaker=speaker,
                        check_worthiness=score,
                        model_version="bench",
                    )
                )
                if is_claim:
                    status = _status(rng)
                    assignee = (
                        rng.choice(checkers)
                        if status not in ("new", "dismissed") or rng.random() < 0.1
                        else None
                    )
                    claim_rows.append(
                        Claim(
                            article=article,
                            start=start,
                            end=end,
                            text=text,
                            speaker=speaker,
                            check_worthiness=score,
                            model_version="bench",
                            status=status,
                            priority=rng.choice([0] * 8 + [1, 2]),
                            assignee=assignee,
                            dismissal_reason="Not check-worthy." if status == "dismissed" else "",
                            created_at=article.created_at + timedelta(hours=rng.uniform(0, 6)),
                        )
                    )
        Sentence.objects.bulk_create(sentences, batch_size=BATCH)
        Claim.objects.bulk_create(claim_rows, batch_size=BATCH)

        verdicts, events, sources, notes = [], [], [], []
        for claim in claim_rows:
            detected = claim.created_at
            events.append(
                ClaimEvent(claim=claim, kind="detected", to_status="new", created_at=detected)
            )
            when = detected + timedelta(hours=rng.uniform(1, 48))
            if claim.status == "dismissed":
                events.append(
                    _event(claim, "dismissed", "new", "dismissed", rng.choice(checkers), when)
                )
                continue
            if claim.assignee_id:
                events.append(_event(claim, "assigned", "new", "in_progress", claim.assignee, when))
            if rng.random() < 0.1:
                notes.append(
                    ClaimNote(
                        claim=claim,
                        author=claim.assignee or rng.choice(checkers),
                        text="Asked the ministry's press office for the source of the figure.",
                        link="https://stats.example/source",
                        created_at=when,
                    )
                )
            verdict_status = {
                "in_progress": rng.choice(["", "", "draft", "returned"]),
                "in_review": "submitted",
                "published": "published",
            }.get(claim.status, "")
            if not verdict_status:
                continue
            author = claim.assignee or rng.choice(checkers)
            editor = rng.choice(editors) if verdict_status in ("published", "returned") else None
            drafted = when + timedelta(hours=rng.uniform(1, 72))
            submitted = drafted + timedelta(hours=rng.uniform(1, 24))
            published = submitted + timedelta(hours=rng.uniform(1, 48))
            verdicts.append(
                Verdict(
                    claim=claim,
                    rating_id=rng.choice(ratings),
                    conclusion="The figure is wrong: the official series shows otherwise.",
                    explanation="The statistics office publishes the series every quarter.",
                    author=author,
                    editor=editor,
                    status=verdict_status,
                    review_comment="Cite the quarterly series."
                    if editor and verdict_status == "returned"
                    else "",
                    submitted_at=submitted if verdict_status != "draft" else None,
                    published_at=published if verdict_status == "published" else None,
                    modified_at=published if verdict_status == "published" else None,
                    updated_by=author,
                    created_at=drafted,
                    updated_at=published if verdict_status != "draft" else drafted,
                )
            )
            events.append(_event(claim, "drafted", "in_progress", "in_progress", author, drafted))
            if verdict_status in ("submitted", "returned", "published"):
                events.append(
                    _event(claim, "submitted", "in_progress", "in_review", author, submitted)
                )
            if verdict_status == "returned":
                events.append(
                    _event(claim, "returned", "in_review", "in_progress", editor, published)
                )
            if verdict_status == "published":
                events.append(
                    _event(claim, "published", "in_review", "published", editor, published)
                )
        Verdict.objects.bulk_create(verdicts, batch_size=BATCH)
        _verdict_history(verdicts)
        for verdict in verdicts:
            for n in range(rng.choice([1, 1, 2])):
                sources.append(
                    EvidenceSource(
                        verdict=verdict,
                        url=f"https://stats{n}.example/{verdict.claim_id}",
                        title="Quarterly statistics",
                        accessed_on=now.date(),
                    )
                )
        # PostgreSQL's trigger reads the ids in the setting for each row it checks: name one
        # batch's verdicts at a time, not every verdict for every row.
        for start in range(0, len(sources), BATCH):
            batch = sources[start : start + BATCH]
            with published_sources_replaceable(verdicts={source.verdict for source in batch}):
                EvidenceSource.objects.bulk_create(batch)
        published_verdicts = [v for v in verdicts if v.status == "published"]
        corrections = [
            Correction(
                verdict=verdict,
                note="The figure for 2024 was revised by the statistics office.",
                previous={"rating": "False", "conclusion": verdict.conclusion},
                created_by=verdict.editor,
            )
            for verdict in rng.sample(published_verdicts, len(published_verdicts) // 20)
        ]
        Correction.objects.bulk_create(corrections, batch_size=BATCH)
        for correction in corrections:  # as the correction service stamps it
            verdicts_modified(verdicts=[correction.verdict], at=correction.created_at)
        ClaimEvent.objects.bulk_create(events, batch_size=BATCH)
        ClaimNote.objects.bulk_create(notes, batch_size=BATCH)
        groups, group_events, suggestions = _repeats(rng, claim_rows, editors)
    # VACUUM is refused in a transaction; ANALYZE gives the planner the new tables' statistics.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        "articles": len(articles),
        "sentences": len(sentences),
        "speakers": len(speakers),
        "claims": len(claim_rows),
        "verdicts": len(verdicts),
        "published": len(published_verdicts),
        "sources": len(sources),
        "corrections": len(corrections),
        "events": len(events),
        "notes": len(notes),
        "groups": groups,
        "group_events": group_events,
        "suggestions": suggestions,
    }
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


def _event(claim, kind, from_status, to_status, actor, when):
    from claims.models import ClaimEvent

    return ClaimEvent(
        claim=claim,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        created_at=when,
    )


@contextmanager
def _given_dates_kept(now: datetime):
    """auto_now and auto_now_add overwrite any date bulk_create is given; while filling, a
    date set on the row is kept (a year of history, not one second), and an empty one is now."""
    from django.apps import apps
    from django.db.models import DateTimeField

    patched = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):

                def pre_save(instance, add, field=field):
                    value = getattr(instance, field.attname) or now
                    setattr(instance, field.attname, value)
                    return value

                field.pre_save = pre_save
                patched.append(field)
    try:
        yield
    finally:
        for field in patched:
            del field.pre_save


def _verdict_history(verdicts) -> None:
    """One simple-history version per verdict, as its last save leaves it (bulk_create writes
    none): the claim page and history read these."""
    from claims.models import Verdict

    history = Verdict.history.model
    fields = [f.attname for f in Verdict._meta.concrete_fields]
    rows = []
    for verdict in verdicts:
        values = {name: getattr(verdict, name) for name in fields}
        rows.append(
            history(
                **values,
                history_date=verdict.published_at or verdict.submitted_at or verdict.created_at,
                history_type="+",
                history_user_id=verdict.author_id,
            )
        )
    history.objects.bulk_create(rows, batch_size=BATCH)


def _repeats(rng, claim_rows, editors) -> tuple[int, int, int]:
    """About 20% of claims in groups of 2 to 6 (the same statement again), 3% with a suggestion."""
    from claims.models import Claim, ClaimGroup, ClaimGroupEvent, MatchSuggestion

    pool = rng.sample(claim_rows, len(claim_rows) // 5)
    members = []
    while pool:
        size = min(len(pool), rng.randint(2, 6))
        members.append(sorted((pool.pop() for _ in range(size)), key=lambda c: c.created_at))
    groups = ClaimGroup.objects.bulk_create(
        [
            ClaimGroup(canonical_claim=claims[0], canonical_text=claims[0].text)
            for claims in members
        ],
        batch_size=BATCH,
    )
    changed, group_events = [], []
    for group, claims in zip(groups, members, strict=True):
        for position, claim in enumerate(claims):
            claim.group = group
            claim.group_link = "founder" if position == 0 else "auto"
            changed.append(claim)
            if position:
                group_events.append(
                    ClaimGroupEvent(
                        group=group,
                        claim=claim,
                        kind="auto_linked",
                        data={"score": 0.93},
                        created_at=claim.created_at,
                    )
                )
    Claim.objects.bulk_update(changed, ["group", "group_link"], batch_size=BATCH)
    ClaimGroupEvent.objects.bulk_create(group_events, batch_size=BATCH)
    suggested = rng.sample(claim_rows, len(claim_rows) * 3 // 100)
    suggestions = []
    for claim in suggested:
        candidate = rng.choice(claim_rows)
        if candidate.pk != claim.pk:
            suggestions.append(
                MatchSuggestion(
                    claim=claim,
                    candidate=candidate,
                    score=round(rng.uniform(0.7, 0.9), 3),
                    level="suggested",
                )
            )
    MatchSuggestion.objects.bulk_create(suggestions, batch_size=BATCH, ignore_conflicts=True)
    return len(groups), len(group_events), len(suggestions)
