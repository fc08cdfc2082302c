"""The desk's roles as the migrations leave them, and as tests that flush the database get them
back (tests/factories.restore_migration_data)."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import restore_migration_data

pytestmark = pytest.mark.django_db


def role_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_a_flushed_database_gets_back_exactly_the_roles_the_migrations_made():
    migrated = role_permissions()
    assert "claims.add_claimnote" in migrated["Fact-checkers"]
    assert "claims.change_speaker" not in migrated["Fact-checkers"]
    assert "claims.merge_speaker" in migrated["Editors"]
    for role in ["Fact-checkers", "Editors"]:
        assert "claims.view_verdictapplication" in migrated[role]
        assert "claims.change_verdictapplication" not in migrated[role]
        assert {"claims.view_correctionrequest", "claims.view_correction"} <= migrated[role]
        assert "claims.change_correctionrequest" not in migrated[role]
    Group.objects.all().delete()
    restore_migration_data()
    assert role_permissions() == migrated


def test_getting_the_roles_back_leaves_a_later_flush_able_to_recreate_the_permissions():
    """The next transactional test's flush recreates the permissions in post_migrate, which
    passes over an app Django thinks has no models: restoring the roles once made every app
    look so, and a test run after gave its user no permissions (tests/articles'
    test_import_recovery, after test_intake_jobs)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    restore_migration_data()
    Permission.objects.filter(content_type__app_label="articles").delete()
    for config in apps.get_app_configs():  # what the flush's post_migrate does
        create_permissions(config, verbosity=0)
    assert Permission.objects.filter(
        content_type__app_label="articles", codename="add_importbatch"
    ).exists()
