"""The household's village copied onto its status changes: a region's changes read by index, one county per shard."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    household = apps.get_model("households", "Household").objects.filter(pk=OuterRef("household_id"))
    apps.get_model("households", "StatusChange").objects.update(village_id=Subquery(household.values("village_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0004_household_year_version"),
        ("villages", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="village",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.division",
                verbose_name="村",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="statuschange",
            name="village",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.division",
                verbose_name="村",
            ),
        ),
        migrations.AddIndex(
            model_name="statuschange",
            index=models.Index(fields=["village", "status", "date", "ended_on"], name="status_change_village"),
        ),
    ]
