from decimal import Decimal

from django.db import migrations

# The national line in current yuan per person per year (2300 at 2010 prices).
# Later years are set by admins.
LINES = {2010: "2300", 2011: "2536", 2012: "2625", 2013: "2736", 2014: "2800", 2015: "2855"}


def seed_lines(apps, schema_editor):
    PovertyLine = apps.get_model("households", "PovertyLine")
    for year, amount in LINES.items():
        PovertyLine.objects.get_or_create(year=year, defaults={"amount": Decimal(amount)})


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(seed_lines, migrations.RunPython.noop)]
