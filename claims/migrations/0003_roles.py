from django.contrib.auth.management import create_permissions
from django.db import migrations

FACT_CHECKER_PERMISSIONS = [
    "articles.view_outlet",
    "articles.add_outlet",
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    "claims.view_speaker",
    "claims.change_speaker",
    "claims.view_speakeralias",
    "claims.add_speakeralias",
    "claims.view_sentence",
    "claims.view_claim",
    "claims.add_claim",
    "claims.change_claim",
    "claims.view_claimevent",
    "claims.view_ratingscale",
    "claims.view_rating",
    "claims.view_verdict",
    "claims.add_verdict",
    "claims.change_verdict",
    "claims.view_evidencesource",
    "claims.add_evidencesource",
    "claims.change_evidencesource",
    "claims.delete_evidencesource",
]
EDITOR_PERMISSIONS = FACT_CHECKER_PERMISSIONS + [
    "articles.change_outlet",
    "articles.delete_article",
    "claims.add_speaker",
    "claims.change_speakeralias",
    "claims.delete_speakeralias",
    "claims.delete_claim",
    "claims.publish_verdict",
    "claims.return_verdict",
]
ROLES = {"Fact-checkers": FACT_CHECKER_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def create_roles(apps, schema_editor):
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
        ("claims", "0002_default_rating_scale"),
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
