"""The committed migrations describe the models exactly (a model change without its migration, or
a refactor that changes the schema, fails here rather than at deploy)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check exited {exit_.code}:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_batches_imported_before_notes_had_their_own_list_have_them_moved_out_of_the_refusals():
    import importlib

    from django.apps import apps

    from articles.models import ImportBatch

    undated = "Stored without a publication date: The publication date 2099-01-01 is in the future"
    batch = ImportBatch.objects.create(
        file_name="rows.csv",
        file_format="csv",
        errors=[{"line": 2, "reason": undated}, {"line": 3, "reason": "title: required"}],
    )
    untouched = ImportBatch.objects.create(
        file_name="clean.csv", file_format="csv", errors=[{"line": 4, "reason": "bad row"}]
    )
    migration = importlib.import_module("articles.migrations.0012_importbatch_notes")
    migration.notes_moved_out_of_errors(apps, None)
    batch.refresh_from_db()
    untouched.refresh_from_db()
    assert batch.errors == [{"line": 3, "reason": "title: required"}]
    assert batch.notes == [{"line": 2, "note": undated}]
    assert (untouched.errors, untouched.notes) == ([{"line": 4, "reason": "bad row"}], [])


@pytest.mark.django_db
def test_stored_speaker_keys_are_transliterated_and_a_collision_keeps_the_older_alias():
    import importlib

    from django.apps import apps

    from claims.models import SpeakerAlias
    from tests.factories import SpeakerFactory

    speaker, other = SpeakerFactory(), SpeakerFactory()
    # As stored before the transliteration, oldest first.
    lukasz = SpeakerAlias.objects.create(speaker=speaker, alias="Lukasz Nowak", key="lukasz nowak")
    stroke = SpeakerAlias.objects.create(speaker=other, alias="Łukasz Nowak", key="ukasz nowak")
    soren = SpeakerAlias.objects.create(speaker=speaker, alias="Søren", key="s ren")
    capital = SpeakerAlias.objects.create(speaker=other, alias="SØREN", key="sren")
    migration = importlib.import_module("claims.migrations.0021_speaker_keys_transliterated")
    migration.keys_recomputed(apps, None)
    keys = dict(SpeakerAlias.objects.values_list("pk", "key"))
    assert keys[lukasz.pk] == "lukasz nowak"
    assert keys[stroke.pk] == "ukasz nowak"  # 'lukasz nowak' was held: it keeps its old key
    assert keys[soren.pk] == "soren"
    assert keys[capital.pk] == "sren"  # the older 'Søren' took 'soren' first
    assert SpeakerAlias.objects.filter(speaker=other).count() == 2


@pytest.mark.django_db
def test_published_verdicts_get_the_modified_at_their_pages_computed_and_drafts_none():
    import datetime as dt
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from claims.matching import applications
    from claims.models import ClaimGroupEvent, Correction, Verdict
    from tests.factories import drafted_verdict, editor, published_verdict, titled_claim

    def days_ago(days):
        return timezone.now() - dt.timedelta(days=days)

    plain, corrected, regrouped, applied = (
        published_verdict(claim=titled_claim(f"Jobs rose by {number} percent."))
        for number in (3, 4, 5, 6)
    )
    draft = drafted_verdict(claim=titled_claim("Rents rose by 9 percent."))
    applications.verdict_application_request(
        claim=titled_claim("Jobs went up 6 percent."), checked=applied.claim, actor=editor()
    )
    Correction.objects.create(verdict=corrected, note="A figure.", created_by=editor())
    # As stored before the column: the dates apart, modified_at empty.
    Verdict.objects.update(published_at=days_ago(10), modified_at=None)
    Verdict.objects.filter(pk=draft.pk).update(published_at=None)
    Correction.objects.update(created_at=days_ago(4))
    Verdict.objects.filter(pk=regrouped.pk).update(appearances_changed_at=days_ago(3))
    ClaimGroupEvent.objects.update(created_at=days_ago(2))
    migration = importlib.import_module("claims.migrations.0027_verdict_modified_at_backfill")
    migration.modified_at_stamped(apps, None)
    stamped = dict(Verdict.objects.values_list("pk", "modified_at"))
    assert stamped[plain.pk] == Verdict.objects.get(pk=plain.pk).published_at
    assert stamped[corrected.pk] == Correction.objects.get().created_at
    assert stamped[regrouped.pk] == Verdict.objects.get(pk=regrouped.pk).appearances_changed_at
    applied_at = ClaimGroupEvent.objects.filter(kind="verdict_applied").get().created_at
    assert stamped[applied.pk] == applied_at
    assert stamped[draft.pk] is None


@pytest.mark.django_db
def test_old_titles_bylines_and_outlet_names_lose_their_control_characters_as_intake_drops_them():
    import importlib

    from django.apps import apps

    from articles.models import Article, Outlet
    from tests.factories import ArticleFactory, OutletFactory

    # As stored before intake and the desk dropped them (the model's fields take anything).
    outlet = OutletFactory(name="\x1b\x07", domain="wire.example")
    named = OutletFactory(name="City\x85Wire\x9b", domain="city.example")
    dirty = ArticleFactory(
        title="Budget\x07 vote\x0b passed\x1f", byline="By\x0cAna Ruiz\x01", outlet=outlet
    )
    no_byline = ArticleFactory(byline="\x1e\x1f")
    only_controls = ArticleFactory(title="\x01\x02")
    clean = ArticleFactory(title="Rents rose\tagain", byline="Ana Ruiz")
    updated_at = Article.objects.get(pk=dirty.pk).updated_at
    migration = importlib.import_module("articles.migrations.0016_old_rows_cleaned")
    migration.old_rows_cleaned(apps, None)
    dirty.refresh_from_db()
    assert (dirty.title, dirty.byline) == ("Budget vote passed", "By Ana Ruiz")
    assert dirty.updated_at == updated_at
    assert Article.objects.get(pk=no_byline.pk).byline == ""
    # Nothing would be left of it: a title the desk would refuse, kept rather than emptied.
    assert Article.objects.get(pk=only_controls.pk).title == "\x01\x02"
    assert Article.objects.get(pk=clean.pk).title == "Rents rose\tagain"
    assert Outlet.objects.get(pk=outlet.pk).name == "wire.example"
    assert Outlet.objects.get(pk=named.pk).name == "City Wire"


@pytest.mark.django_db
def test_old_titles_names_and_fact_checks_lose_their_bidi_controls_as_intake_drops_them():
    import importlib

    from django.apps import apps

    from articles.intake.claimreview import _identity
    from articles.models import Article, ExternalFactCheck, Feed, Outlet
    from tests.factories import ArticleFactory, OutletFactory

    # As stored before storable_line dropped them (the model's fields take anything).
    outlet = OutletFactory(name="City \u202eeriW", domain="city.example")
    blank = OutletFactory(name="\u2066\u2069", domain="wire.example")
    article = ArticleFactory(title="\u202eBudget vote passed", byline="By \u202aAna Ruiz\u202c")
    plain = ArticleFactory(title="Rents rose \u200fagain")  # a mark, not a control: kept
    feed = Feed.objects.create(url="https://city.example/feed", title="\u2067City feed\u2069")

    def factcheck(url, claim):
        return ExternalFactCheck.objects.create(
            url=url,
            claim_reviewed=claim,
            claimant="\u202eSen. Ray",
            publisher_name="Check \u202dDesk",
            identity=_identity(url, claim),
        )

    dirty = factcheck("https://check.example/1", "Crime \u202etripled")
    # Cleaned, it would be a review imported since: that one is kept and this one left.
    factcheck("https://check.example/2", "Rents doubled")
    twin = factcheck("https://check.example/2", "Rents \u202edoubled")
    updated_at = Article.objects.get(pk=article.pk).updated_at
    migration = importlib.import_module("articles.migrations.0019_old_rows_bidi_cleaned")
    migration.old_rows_bidi_cleaned(apps, None)
    article.refresh_from_db()
    assert (article.title, article.byline) == ("Budget vote passed", "By Ana Ruiz")
    assert article.updated_at == updated_at
    assert Article.objects.get(pk=plain.pk).title == "Rents rose \u200fagain"
    assert Outlet.objects.get(pk=outlet.pk).name == "City eriW"
    assert Outlet.objects.get(pk=blank.pk).name == "wire.example"
    assert Feed.objects.get(pk=feed.pk).title == "City feed"
    dirty.refresh_from_db()
    assert (dirty.claim_reviewed, dirty.claimant, dirty.publisher_name) == (
        "Crime tripled",
        "Sen. Ray",
        "Check Desk",
    )
    # The identity follows the claim, so importing the same review today finds this row.
    assert dirty.identity == _identity(dirty.url, "Crime tripled")
    assert ExternalFactCheck.objects.get(pk=twin.pk).claim_reviewed == "Rents \u202edoubled"


@pytest.mark.django_db
def test_old_fact_check_languages_become_codes_the_filters_know_or_not_known():
    import importlib

    from django.apps import apps

    from articles.models import ExternalFactCheck

    def factcheck(number, language):
        return ExternalFactCheck.objects.create(
            url=f"https://check.example/{number}",
            claim_reviewed=f"Claim {number}",
            publisher_name="Check Desk",
            identity=f"{number:064d}",
            language=language,
        ).pk

    stored = {
        factcheck(1, "english"): "en",
        factcheck(2, "pt-br"): "pt-br",
        factcheck(3, "xx"): "",
        factcheck(4, ""): "",
        factcheck(5, "spanish"): "es",
    }
    migration = importlib.import_module("articles.migrations.0020_factcheck_languages_known")
    migration.factcheck_languages_known(apps, None)
    assert dict(ExternalFactCheck.objects.values_list("pk", "language")) == stored


@pytest.mark.django_db
def test_old_publication_dates_no_page_can_show_are_emptied_and_the_others_kept():
    import datetime as dt
    import importlib

    from django.apps import apps
    from django.db import connection

    from articles.models import Article
    from tests.factories import ArticleFactory

    kept_at = dt.datetime(2, 1, 1, tzinfo=dt.UTC)
    year_one, east, far, kept = (ArticleFactory() for _ in range(4))
    with connection.cursor() as cursor:
        for article, moment in [
            (year_one, "0001-01-01 00:00:00+00"),  # the placeholder for "unknown"
            (east, "0001-01-01 00:00:00+05"),  # year 0 in UTC: Python cannot even read it
            (far, "9999-06-01 00:00:00+00"),
            (kept, kept_at.isoformat()),
        ]:
            cursor.execute(
                "UPDATE articles_article SET published_at = %s WHERE id = %s", [moment, article.pk]
            )
    migration = importlib.import_module("articles.migrations.0016_old_rows_cleaned")
    migration.old_rows_cleaned(apps, None)
    dates = dict(Article.objects.values_list("pk", "published_at"))
    assert [dates[a.pk] for a in (year_one, east, far)] == [None, None, None]
    assert dates[kept.pk] == kept_at


@pytest.mark.django_db
def test_old_dismissal_reasons_lose_control_characters_and_bidi_overrides_as_the_desk_drops_them():
    import importlib

    from django.apps import apps

    from claims.models import Claim
    from tests.factories import claim_alone

    dirty = claim_alone("Taxes rose.", dismissal_reason=" Opinion\x07,\x0bnot a \u202eclaim\t")
    kept = claim_alone("Rents rose.", dismissal_reason="\x01\u200b")  # nothing would be left
    clean = claim_alone("Fares rose.", dismissal_reason="Opinion\nonly")
    migration = importlib.import_module("claims.migrations.0030_dismissal_reasons_cleaned")
    migration.dismissal_reasons_cleaned(apps, None)
    reasons = dict(Claim.objects.values_list("pk", "dismissal_reason"))
    assert reasons[dirty.pk] == "Opinion, not a claim"
    assert reasons[kept.pk] == "\x01\u200b"
    assert reasons[clean.pk] == "Opinion\nonly"


@pytest.mark.django_db(transaction=True)  # the migrations run back and forth: no test transaction
def test_old_desk_scope_keys_without_read_lose_it_and_no_keys_access_changes():
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from claims.api.auth import token_reads_unpublished

    def access(token) -> tuple[bool, bool, bool]:
        return token.can_read, token.can_submit, token_reads_unpublished(token)

    before = [("claims", "0031_speaker_alias_plural_desk_scope_help")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        # As the rows stood before the constraint: every pair of scopes, desk without read too.
        old = executor.loader.project_state(before).apps
        ApiToken = old.get_model("claims", "ApiToken")
        user = old.get_model(settings.AUTH_USER_MODEL).objects.create(username="partner")
        stored = {}
        for number, (read, submit, desk) in enumerate(
            (read, submit, desk) for read in (0, 1) for submit in (0, 1) for desk in (0, 1)
        ):
            token = ApiToken.objects.create(
                name=f"Key {number}",
                user=user,
                prefix=f"{number:08x}",
                key_hash="0" * 64,
                can_read=bool(read),
                can_submit=bool(submit),
                can_read_unpublished=bool(desk),
            )
            stored[token.pk] = token
    finally:
        MigrationExecutor(connection).migrate(latest)
    from claims.models import ApiToken

    for token in ApiToken.objects.all():
        assert access(token) == access(stored[token.pk])
        assert token.can_read_unpublished == (
            token.can_read and stored[token.pk].can_read_unpublished
        )
    assert ApiToken.objects.filter(can_read_unpublished=True).count() == 2
