"""Build the villages' rollups for the register already in the database."""

from django.db import migrations


def build(apps, schema_editor):
    # The rollups are what today's reference computation says, so they are built by today's code
    # (metrics.rollups), not by a copy frozen here. An empty register (a new database) has nothing to build.
    if not apps.get_model("households", "StatusChange").objects.exists():
        return
    from metrics.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0003_register_rollup"),
        ("households", "0004_household_year_version"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
