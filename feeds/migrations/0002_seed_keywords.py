"""Seed the keyword list with the spec's terms (tech-spec §5, ICE_KEYWORDS)."""

from django.db import migrations

SPEC_KEYWORDS = (
    "ice raid",
    "ice arrest",
    "deportation",
    "immigration enforcement",
    "dhs",
    "detention center",
    "immigration detention",
    "cbp",
    "sanctuary city",
    "deportation flight",
    "ice agent",
)


def seed(apps, schema_editor):
    Keyword = apps.get_model("feeds", "Keyword")
    for term in SPEC_KEYWORDS:
        Keyword.objects.get_or_create(term=term, defaults={"note": "From the spec's keyword list."})


def unseed(apps, schema_editor):
    apps.get_model("feeds", "Keyword").objects.filter(term__in=SPEC_KEYWORDS).delete()


class Migration(migrations.Migration):
    dependencies = [("feeds", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
