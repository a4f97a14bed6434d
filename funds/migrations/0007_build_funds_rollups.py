"""Build the funds rollups for the money and register already in the database."""

from django.db import migrations


def build(apps, schema_editor):
    # Built by today's code (funds.rollups), as metrics' 0004 builds the register's; a new database has nothing.
    if not apps.get_model("villages", "Division").objects.exists():
        return
    from funds.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0006_measure_loan_village"),
        ("metrics", "0004_build_register_rollups"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
