"""The household's village copied onto its 疑点, as onto its members (households 0006): every fact table
carries the code a distributed register shards by (docs/SCALING.md)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    household = apps.get_model("households", "Household").objects.filter(pk=OuterRef("household_id"))
    apps.get_model("quality", "Issue").objects.update(village_id=Subquery(household.values("village_id")[:1]))


def village(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="villages.division",
        verbose_name="村",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
        ("households", "0006_member_year_village"),
        ("villages", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="issue", name="village", field=village(null=True)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(model_name="issue", name="village", field=village(null=False)),
    ]
