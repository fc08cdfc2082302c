from django.contrib.auth.management import create_permissions
from django.db import migrations


def corrections_to_the_desk(apps, schema_editor):
    """Both roles read corrections in the admin, read-only: the requests waiting for an editor
    (fact-checkers write them and read each one on its claim's page; editors publish them) and
    the published corrections on their verdict's page, which the public reads anyway. Nobody
    gets add, change or delete: the desk's services write both (claims.correction_requests)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename__in=["view_correctionrequest", "view_correction"]
    )
    for group in Group.objects.filter(name__in=["Fact-checkers", "Editors"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0033_correction_requests"),
    ]

    operations = [migrations.RunPython(corrections_to_the_desk, migrations.RunPython.noop)]
