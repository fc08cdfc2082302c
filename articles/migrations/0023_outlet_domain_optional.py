from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils.text import slugify

# The placeholder outlet_get_or_create gave an outlet named without a domain ("City Gazette"
# became "city-gazette.unknown"): no registered domain ends so, and API clients read it as the
# outlet's site. Such an outlet has no domain now (NULL).
_PLACEHOLDER = ".unknown"


def placeholders_dropped(apps, schema_editor):
    Outlet = apps.get_model("articles", "Outlet")
    Article = apps.get_model("articles", "Article")
    Feed = apps.get_model("articles", "Feed")
    Outlet.objects.filter(domain="").update(domain=None)
    Outlet.objects.filter(domain__endswith=_PLACEHOLDER).update(domain=None)
    # A name is the key of an outlet without a domain (0024's constraint). Two that share one
    # (case aside: a race of two submissions of a new name) are one outlet: the older keeps
    # the articles and feeds of both. Their names read the same, so no page reads otherwise.
    kept: dict[str, int] = {}
    rows = Outlet.objects.filter(domain__isnull=True).annotate(key=Lower("name"))
    for pk, key in rows.order_by("pk").values_list("pk", "key"):
        if key not in kept:
            kept[key] = pk
            continue
        Article.objects.filter(outlet_id=pk).update(outlet_id=kept[key])
        Feed.objects.filter(outlet_id=pk).update(outlet_id=kept[key])
        Outlet.objects.filter(pk=pk).delete()


def placeholders_restored(apps, schema_editor):
    """Back to a placeholder for each outlet without a domain, so the column can be NOT NULL
    again (the merge of same-named outlets is not undone: their articles stay together)."""
    Outlet = apps.get_model("articles", "Outlet")
    taken = set(Outlet.objects.exclude(domain=None).values_list("domain", flat=True))
    for outlet in Outlet.objects.filter(domain=None).order_by("pk"):
        stem = slugify(outlet.name)[:200] or "outlet"
        domain, n = f"{stem}{_PLACEHOLDER}", 1
        while domain in taken:
            n += 1
            domain = f"{stem}-{n}{_PLACEHOLDER}"
        taken.add(domain)
        Outlet.objects.filter(pk=outlet.pk).update(domain=domain)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_intake_job_title_date_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outlet",
            name="domain",
            field=models.CharField(
                blank=True,
                help_text="Registered domain, e.g. reuters.com; none for an outlet known only by "
                "its name.",
                max_length=253,
                null=True,
                unique=True,
            ),
        ),
        migrations.RunPython(placeholders_dropped, placeholders_restored),
    ]
