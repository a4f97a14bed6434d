from django.db import migrations

# The sources the seed names; admins may add more.
SOURCES = [
    ("central", "中央财政专项扶贫资金", "central"),
    ("provincial", "省级财政专项扶贫资金", "provincial"),
    ("prefecture", "州级财政专项扶贫资金", "prefecture"),
    ("county", "县级财政专项扶贫资金", "county"),
    ("integrated", "涉农整合资金", "integrated"),
    ("tianjin", "天津对口援助资金", "tianjin"),
    ("assigned", "中央和省级单位定点扶贫资金", "assigned"),
    ("shuanglian", "双联资金", "shuanglian"),
    ("credit", "扶贫信贷资金", "credit"),
]


def add_sources(apps, schema_editor):
    FundSource = apps.get_model("funds", "FundSource")
    for code, name, kind in SOURCES:
        FundSource.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop)]
