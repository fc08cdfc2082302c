import functools

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from articles.intake.extract import ExtractedArticle
from articles.models import Article, Outlet, SourceKind
from articles.services import body_content_hash
from claims.models import Claim, EvidenceSource, Rating, Speaker, Verdict

PASSWORD = "correct horse battery"


@functools.cache
def _password_hash(password: str, hashers: tuple[str, ...]) -> str:
    """Each password hashed once per hasher setting: the settings' PBKDF2 costs about 0.3 s a
    user here, and the suite makes thousands of users. Logins still check it with that hasher."""
    return make_password(password)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = PASSWORD  # raw; None for an unusable one

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        raw = kwargs["password"]
        hashers = tuple(settings.PASSWORD_HASHERS)
        kwargs["password"] = make_password(None) if raw is None else _password_hash(raw, hashers)
        return kwargs

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        for name in extracted or []:
            user.groups.add(Group.objects.get(name=name))
        if create:
            user.save()


def fact_checker(**kwargs):
    return UserFactory(groups=["Fact-checkers"], **kwargs)


def editor(**kwargs):
    return UserFactory(groups=["Editors"], **kwargs)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ["domain"]

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = factory.SubFactory(OutletFactory)
    body = factory.Sequence(
        lambda n: f"The council said the budget grew by {n} percent. Residents were not surprised."
    )
    content_hash = factory.LazyAttribute(lambda article: body_content_hash(article.body))
    source_kind = SourceKind.PASTED


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda claim: claim.article.body.index(".") + 1)
    text = factory.LazyAttribute(lambda claim: claim.article.body[claim.start : claim.end])
    check_worthiness = 0.9
    model_version = "test"


def claim_alone(
    text: str = "Crime fell by 40 percent last year.", *, titled: bool = False, **fields
) -> Claim:
    """A claim that is the whole text of its own article (titled: its title too, for what
    reads an article's title beside its claims)."""
    article = ArticleFactory(body=text, **({"title": text} if titled else {}))
    return ClaimFactory(article=article, start=0, end=len(text), text=text, **fields)


def titled_claim(text: str, **fields) -> Claim:
    return claim_alone(text, titled=True, **fields)


def active_rating(slug: str = "false") -> Rating:
    return Rating.objects.get(scale__is_active=True, slug=slug)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    rating = factory.LazyFunction(active_rating)
    conclusion = "The figure is wrong."
    explanation = "Official statistics show otherwise."


class EvidenceSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceSource

    verdict = factory.SubFactory(VerdictFactory)
    url = "https://stats.example.org/budget"
    title = "Budget statistics"
    accessed_on = factory.Faker("date_object")


# --- Review desk: verdicts taken through the real services ---------------------------------


def fresh(row):
    """`row` as the database holds it now."""
    row.refresh_from_db()
    return row


def admin_user(**kwargs):
    return UserFactory(is_superuser=True, **kwargs)


def drafted_verdict(*, claim=None, author=None, sources: int = 1, **fields) -> Verdict:
    from claims import verdicts

    claim = claim or ClaimFactory()
    author = author or fact_checker()
    return verdicts.verdict_save(
        claim=claim,
        actor=author,
        expected_version=None,
        rating=fields.get("rating") or active_rating("false"),
        conclusion=fields.get("conclusion", "The figure is wrong."),
        explanation=fields.get("explanation", "Official statistics show otherwise."),
        sources=[
            {"url": f"https://source{n}.example.org/report", "title": f"Report {n}", "note": ""}
            for n in range(sources)
        ],
    )


def draft_resaved(*, claim, actor, expected_version, rating=None, conclusion="", explanation=""):
    """The claim's draft saved again through the desk's service, its sources sent back as
    they are (the desk's form always sends them)."""
    from claims import verdicts

    sources = [
        {"url": source.url, "title": source.title, "note": source.note}
        for source in EvidenceSource.objects.filter(verdict__claim=claim).order_by("id")
    ]
    return verdicts.verdict_save(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        rating=rating,
        conclusion=conclusion,
        explanation=explanation,
        sources=sources,
    )


def submitted_verdict(**kwargs) -> Verdict:
    from claims import verdicts

    verdict = drafted_verdict(**kwargs)
    return verdicts.verdict_submit(verdict=verdict, actor=verdict.author)


def published_verdict(*, publisher=None, beside=(), **kwargs) -> Verdict:
    """`beside`: the published claims of its group the editor confirms publishing it beside
    (a second fact-check of the claim is refused without)."""
    from claims import verdicts

    verdict = submitted_verdict(**kwargs)
    return verdicts.verdict_publish(verdict=verdict, editor=publisher or editor(), beside=beside)


def verdict_saved_again(verdict, *, actor, sources=None) -> Verdict:
    """`verdict` saved again by `actor` through the desk's service with its own rating,
    conclusion and explanation, and `sources` (by default its own, as they are)."""
    from claims import verdicts

    if sources is None:
        sources = kept_sources(verdict)
    return verdicts.verdict_save(
        claim=verdict.claim,
        actor=actor,
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion=verdict.conclusion,
        explanation=verdict.explanation,
        sources=sources,
    )


def correction_sent(verdict, *, writer=None, note="We misread the table.", **fields):
    """A correction of the published `verdict` written by `writer` (a new editor if None) and
    waiting for an editor; `fields` (rating, conclusion, explanation, sources) default to what
    the verdict says."""
    from claims import correction_requests

    return correction_requests.correction_request(
        verdict=verdict,
        author=writer or editor(),
        expected_version=fields.get("expected_version", verdict.version),
        note=note,
        rating=fields.get("rating", verdict.rating),
        conclusion=fields.get("conclusion", verdict.conclusion),
        explanation=fields.get("explanation", verdict.explanation),
        sources=fields["sources"] if "sources" in fields else kept_sources(verdict),
    )


def verdict_corrected(verdict, *, writer=None, publisher=None, **fields):
    """The published `verdict` corrected: written by `writer` and published by `publisher`
    (new editors if None), as correction_sent; returns the Correction."""
    from claims import correction_requests

    sent = correction_sent(verdict, writer=writer, **fields)
    return correction_requests.correction_approve(correction=sent, editor=publisher or editor())


def correction_published(
    *, verdict, editor, expected_version, note, rating, conclusion, explanation, sources
):
    """A correction written by `editor` on the desk's terms (claims.correction_requests) and
    published by another, new editor; returns the Correction."""
    from claims import correction_requests

    sent = correction_requests.correction_request(
        verdict=verdict,
        author=editor,
        expected_version=expected_version,
        note=note,
        rating=rating,
        conclusion=conclusion,
        explanation=explanation,
        sources=sources,
    )
    return correction_requests.correction_approve(
        correction=sent, editor=UserFactory(groups=["Editors"])
    )


def kept_sources(verdict) -> list[dict]:
    return [
        {"url": source.url, "title": source.title, "note": source.note}
        for source in verdict.sources.order_by("id")
    ]


def sources_corrected(verdict, *, sources, note="A better source."):
    """A published `verdict` corrected by two other editors: only its sources change."""
    return verdict_corrected(verdict, sources=sources, note=note)


def restore_migration_data():
    """The rows the data migrations make (rating scale, roles and their permissions), which a
    flush between transactional tests removes; each of those migrations is idempotent."""
    from django.apps import apps

    # The role migrations set each app's models_module to True and then None around
    # create_permissions: right for a migration's historical apps, but run here on the real
    # ones it left every app without models, so the next flush's post_migrate created no
    # permissions at all, and a later test's user could be given none (a 403).
    models_modules = {config: config.models_module for config in apps.get_app_configs()}
    try:
        _migration_data_install(apps)
    finally:
        for config, models_module in models_modules.items():
            config.models_module = models_module


def _migration_data_install(apps) -> None:
    import importlib

    importlib.import_module("claims.migrations.0002_default_rating_scale").install_default_scale(
        apps, None
    )
    migration = lambda name: importlib.import_module(f"claims.migrations.{name}")  # noqa: E731
    migration("0003_roles").create_roles(apps, None)
    # Later migrations that change the roles' permissions, in migration order.
    migration("0007_integrity_of_the_record").speaker_changes_to_editors(apps, None)
    migration("0008_intake_roles").grant(apps, None)
    migration("0012_speaker_merges").merging_to_editors(apps, None)
    migration("0015_add_claim_notes_and_withdrawal").notes_to_the_desk(apps, None)
    migration("0020_desk_views_verdict_applications").applications_to_the_desk(apps, None)
    migration("0034_desk_views_corrections").corrections_to_the_desk(apps, None)


def computed_modified_at() -> dict[int, object]:
    """Each published verdict's modified_at as it was computed on every read before the column
    was stored (the expression migration 0027 keeps, from with_modified_at and
    appearances_changed_at as they stood): the oracle the stored date is checked against."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("claims.migrations.0027_verdict_modified_at_backfill")
    rows = migration.computed_modified_at(apps).values_list("pk", "computed_modified_at")
    return dict(rows)


def modified_at_recomputed() -> None:
    """For a test that backdated a publication, a correction or an application with update()
    (which no service does): stamp the stored modified_at of every published verdict as the
    computed definition reads the backdated rows (migration 0027's backfill)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("claims.migrations.0027_verdict_modified_at_backfill")
    migration.modified_at_stamped(apps, None)


def extracted_page(**fields) -> ExtractedArticle:
    """A fetched page as article_extract gives it, naming only a title and a text unless told."""
    page = {
        "title": "A page",
        "body": "The council said the budget grew 4 percent.",
        "byline": "",
        "published_at": None,
        "language": "en",
        "canonical_url": "",
        "site_name": "",
    }
    return ExtractedArticle(**(page | fields))
