from django.contrib.auth.management import create_permissions
from django.db import migrations

# Fact-checkers follow and retry intake jobs, import files and read other fact-checkers'
# ClaimReview; editors also manage feeds and the external fact-checks.
FACT_CHECKER_PERMISSIONS = [
    "articles.view_intakejob",
    "articles.add_intakejob",
    "articles.change_intakejob",
    "articles.view_feed",
    "articles.view_importbatch",
    "articles.add_importbatch",
    "articles.view_externalfactcheck",
]
EDITOR_PERMISSIONS = FACT_CHECKER_PERMISSIONS + [
    "articles.add_feed",
    "articles.change_feed",
    "articles.delete_feed",
    "articles.add_externalfactcheck",
    "articles.change_externalfactcheck",
    "articles.delete_externalfactcheck",
]
ROLES = {"Fact-checkers": FACT_CHECKER_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_integrity_of_the_record"),
        ("articles", "0003_add_intake"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
