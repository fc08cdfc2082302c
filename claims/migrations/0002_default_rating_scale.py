from django.db import migrations

# PolitiFact's Truth-O-Meter levels; values feed schema.org ClaimReview ratingValue, where
# bestRating is the truest level (6) and worstRating the least true (1).
DEFAULT_RATINGS = [
    ("True", "true", 6, "#2e7d32", "The statement is accurate and nothing significant is missing."),
    (
        "Mostly True",
        "mostly-true",
        5,
        "#7cb342",
        "Accurate but needs clarification or more information.",
    ),
    (
        "Half True",
        "half-true",
        4,
        "#f9a825",
        "Partially accurate but leaves out important details or takes things out of context.",
    ),
    (
        "Mostly False",
        "mostly-false",
        3,
        "#ef6c00",
        "Contains an element of truth but ignores critical facts that would give a different impression.",
    ),
    ("False", "false", 2, "#d32f2f", "The statement is not accurate."),
    (
        "Pants on Fire",
        "pants-on-fire",
        1,
        "#7b1fa2",
        "The statement is not accurate and makes a ridiculous claim.",
    ),
]


def install_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    Rating = apps.get_model("claims", "Rating")
    scale, _ = RatingScale.objects.get_or_create(
        name="Truth-O-Meter (six levels)",
        defaults={"is_active": not RatingScale.objects.filter(is_active=True).exists()},
    )
    for label, slug, value, colour, description in DEFAULT_RATINGS:
        Rating.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={"label": label, "value": value, "colour": colour, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(install_default_scale, migrations.RunPython.noop)]
