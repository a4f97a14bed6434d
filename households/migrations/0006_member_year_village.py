"""The household's village copied onto its members and yearly records, as onto its status changes (0005):
with it every fact table of the register carries the code a distributed register shards by (docs/SCALING.md)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    household = apps.get_model("households", "Household").objects.filter(pk=OuterRef("household_id"))
    for name in ("Member", "HouseholdYear"):
        apps.get_model("households", name).objects.update(village_id=Subquery(household.values("village_id")[:1]))


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
        ("households", "0005_status_change_village"),
        ("villages", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="member", name="village", field=village(null=True)),
        migrations.AddField(model_name="householdyear", name="village", field=village(null=True)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(model_name="member", name="village", field=village(null=False)),
        migrations.AlterField(model_name="householdyear", name="village", field=village(null=False)),
    ]
