"""The household's village copied onto measures and loans: a region's rows read by index, one county per shard."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    for name in ("Measure", "Loan"):
        household = Household.objects.filter(pk=OuterRef("household_id"))
        apps.get_model("funds", name).objects.update(village_id=Subquery(household.values("village_id")[:1]))


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
        ("funds", "0005_funds_rollup"),
        ("households", "0005_status_change_village"),
    ]

    operations = [
        migrations.AddField(model_name="measure", name="village", field=village(True)),
        migrations.AddField(model_name="loan", name="village", field=village(True)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(model_name="measure", name="village", field=village(False)),
        migrations.AlterField(model_name="loan", name="village", field=village(False)),
        migrations.AddIndex(model_name="loan", index=models.Index(fields=["village", "issued_on"], name="loan_village")),
        migrations.AddIndex(
            model_name="measure", index=models.Index(fields=["village", "year"], name="measure_village")
        ),
    ]
