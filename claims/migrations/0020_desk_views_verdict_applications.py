from django.contrib.auth.management import create_permissions
from django.db import migrations


def applications_to_the_desk(apps, schema_editor):
    """Both roles read the requests to apply a published verdict in the admin's read-only list:
    editors decide them, and fact-checkers make them and already read each one on its claim's
    page (who asked, which fact-check, and the editor's reason on the timeline). Nobody gets
    add, change or delete: the desk's services write them (claims.matching.applications)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename="view_verdictapplication"
    )
    for group in Group.objects.filter(name__in=["Fact-checkers", "Editors"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0019_evidence_guard_names_the_verdicts"),
    ]

    operations = [migrations.RunPython(applications_to_the_desk, migrations.RunPython.noop)]
