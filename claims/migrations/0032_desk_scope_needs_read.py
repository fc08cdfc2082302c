"""Keys saved with the desk scope but not read, before the admin and token_create refused them,
lose the desk scope; then a constraint keeps such a row from being written again.

Clearing the desk scope, not granting read, is what keeps each key's access as it is: since
claims.api.auth.token_reads_unpublished counts the desk scope only together with read, such a
key already reads nothing unpublished, and granting read would let it read verdicts, claims,
speakers and (with the desk scope) all of the desk's unpublished work."""

from django.db import migrations, models


def desk_scope_without_read_cleared(apps, schema_editor):
    ApiToken = apps.get_model("claims", "ApiToken")
    # update(), not save(): no other column changes, last_used_at included.
    ApiToken.objects.filter(can_read=False, can_read_unpublished=True).update(
        can_read_unpublished=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0031_speaker_alias_plural_desk_scope_help"),
    ]

    operations = [
        migrations.RunPython(desk_scope_without_read_cleared, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("can_read", True), ("can_read_unpublished", False), _connector="OR"
                ),
                name="apitoken_desk_scope_needs_read",
            ),
        ),
    ]
