"""Build the villages' 两不愁三保障 rollups for the yearly records already in the database."""

from django.db import migrations


def build(apps, schema_editor):
    # Built by today's code (metrics.guarantees), as the register's rollups are (0004).
    if not apps.get_model("households", "HouseholdYear").objects.exists():
        return
    from metrics.guarantees import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0005_guarantee_rollup"),
        ("households", "0005_status_change_village"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
