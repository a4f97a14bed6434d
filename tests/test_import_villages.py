"""The village format: villages created under their township, poor listing, yearly rural population."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from villages.importers import villages_import
from villages.models import Division, VillageYear

from .test_import_households import roster

HEADER = ["行政区划代码", "村名", "年度", "农业户籍人口", "是否贫困村", "出列年度"]


def test_villages_are_created_under_their_township_and_reimport_changes_nothing(lintan_clerk):
    data = roster(
        ["623021100203", "东街村", 2015, 1200, "是", ""],
        ["623021100203", "东街村", 2016, 1210, "是", 2016],
        ["623021100201", "城关村", 2016, 1850, "是", ""],
        header=HEADER,
    )
    report = villages_import(data=data, file_name="v.csv", user=lintan_clerk)
    assert report.ok, [str(p) for p in report.errors]
    village = Division.objects.get(code="623021100203")
    assert village.parent_id == "623021100" and village.level == "village" and village.poor_exit_year == 2016
    assert VillageYear.objects.get(village=village, year=2016).rural_population == 1210
    assert report.counts["villages_create"] == 1 and report.counts["years_create"] == 3
    entries = AuditEntry.objects.count()
    again = villages_import(data=data, file_name="v.csv", user=lintan_clerk)
    assert again.ok and again.changed == 0 and AuditEntry.objects.count() == entries


def test_a_village_outside_the_clerks_region_or_township_is_refused(chengguan_clerk):
    data = roster(
        ["623021101209", "外村", 2016, 100, "否", ""],
        ["623021199201", "无乡村", 2016, 100, "否", ""],
        header=["village_code", "name", "year", "rural_population", "is_poor_village", "exit_year"],
    )
    report = villages_import(data=data, file_name="v.csv", user=chengguan_clerk)
    reasons = " ".join(p.reason for p in report.errors)
    assert "不在您的管辖范围内" in reasons
    assert not Division.objects.filter(code__in=["623021101209", "623021199201"]).exists()


def test_the_village_command_exits_non_zero_on_errors(admin, tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_bytes(roster(["62302110020", "短码", 2016, 1, "否", ""], header=HEADER))
    with pytest.raises(CommandError) as e:
        call_command("import_villages", str(path), "--user", "admin")
    assert e.value.returncode == 1 and "12位数字" in capsys.readouterr().out
    path.write_bytes(roster(["623021100204", "南街村", 2016, 900, "否", ""], header=HEADER))
    call_command("import_villages", str(path), "--user", "admin")
    assert Division.objects.filter(code="623021100204", parent_id="623021100").exists()
