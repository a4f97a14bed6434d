"""The household roster import: every bad input names its row and changes nothing; good files import once."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from audit.models import AuditEntry
from households.importers import households_import
from households.models import Household, HouseholdYear, Member, Status, StatusChange

from .conftest import make_id, register

HEADER = [
    "户编号",
    "行政区划代码",
    "姓名",
    "证件号码",
    "与户主关系",
    "贫困户属性",
    "主要致贫原因",
    "识别年度",
    "脱贫年度",
    "脱贫类型",
    "返贫年度",
    "人均纯收入",
]


def roster(*rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def household(
    code="H100",
    village="623021100201",
    *,
    size=2,
    identified=2014,
    exit_year="",
    exit_type="",
    returned="",
    income="",
    ids=None,
    attribute="1",
    cause="因病",
):
    ids = ids or [make_id() for _ in range(size)]
    relations = ["户主"] + ["子"] * (size - 1)
    return [
        [
            code,
            village,
            f"{code}-{i}",
            ids[i],
            relations[i],
            attribute,
            cause,
            identified,
            exit_year,
            exit_type,
            returned,
            income,
        ]
        for i in range(size)
    ]


def counts():
    return (
        Household.objects.count(),
        Member.objects.count(),
        StatusChange.objects.count(),
        HouseholdYear.objects.count(),
        AuditEntry.objects.count(),
    )


def run(user, data, name="roster.csv", dry_run=False):
    return households_import(data=data, file_name=name, user=user, dry_run=dry_run)


def test_it_imports_households_with_their_history_in_one_batch(lintan_clerk):
    data = roster(
        *household("H100", size=3, exit_year=2016, exit_type="稳定脱贫", income="4200"),
        *household("H101", identified=2015, exit_year=2016, exit_type="巩固提升", returned=2017, income="2000"),
    )
    report = run(lintan_clerk, data)
    assert report.ok, report.errors
    assert report.counts["households_create"] == 2 and report.counts["members_create"] == 5
    h = Household.objects.get(code="H100")
    assert h.member_count == 3 and h.status == Status.EXITED_STABLE and h.head_name == "H100-0"
    assert [c.status for c in h.status_changes.order_by("sequence")] == [Status.IDENTIFIED, Status.EXITED_STABLE]
    assert h.status_changes.get(sequence=1).date == date(2016, 12, 31)
    assert Household.objects.get(code="H101").status == Status.RETURNED
    assert HouseholdYear.objects.get(household=h).year == 2016
    batch = "导入 roster.csv by lintan_clerk"
    assert AuditEntry.objects.filter(action="import", batch=batch).count() == 1
    # One trail row per imported household, holding the values of its members, history and year.
    trail = AuditEntry.objects.get(household_code="H100", batch=batch)
    assert trail.user == lintan_clerk and trail.action == "create" and trail.object_type == "household"
    assert trail.changes["main_cause"] == [None, 1]
    assert [m["name"] for m in trail.changes["members"][1]] == ["H100-0", "H100-1", "H100-2"]
    assert trail.changes["members"][1][0]["id_number"] == h.members.get(name="H100-0").id_number
    assert [c["status"] for c in trail.changes["status_changes"][1]] == [Status.IDENTIFIED, Status.EXITED_STABLE]
    assert trail.changes["year"][1]["income_per_capita"] == "4200.00"


def test_the_trail_shows_an_imported_households_members_by_name(client, admin, lintan_clerk):
    assert run(lintan_clerk, roster(*household("H111", size=2, exit_year=2016, exit_type="稳定脱贫", income="4200"))).ok
    client.force_login(admin)
    page = client.get(reverse("audit:index"), {"household": "H111"}).content.decode()
    assert "导入 roster.csv by lintan_clerk" in page and "lintan_clerk" in page
    assert "家庭成员" in page and "姓名：H111-0" in page and "与户主关系：户主" in page and "与户主关系：子" in page
    assert "状态：稳定脱贫" in page and "人均纯收入（元）：4200.00" in page


def test_the_household_page_shows_what_the_import_set_from_its_one_compact_entry(client, admin, lintan_clerk):
    data = roster(*household("H112", size=2, exit_year=2016, exit_type="稳定脱贫", income="4200"))
    assert run(lintan_clerk, data).ok
    h = Household.objects.get(code="H112")
    entry = AuditEntry.objects.get(household_code="H112")
    # Only what the file set: no empty phone or cadre, no member field left at its default.
    assert "phone" not in entry.changes and "cadre_name" not in entry.changes
    assert set(entry.changes["members"][1][1]) == {"name", "id_number", "relation", "sex", "birth_date"}
    client.force_login(admin)
    page = client.get(reverse("households:detail", args=[h.pk])).content.decode()
    assert "导入 roster.csv by lintan_clerk" in page
    assert "姓名：H112-0" in page and "与户主关系：户主" in page and "姓名：H112-1" in page
    assert "状态：稳定脱贫" in page and "人均纯收入（元）：4200.00" in page
    assert "联系电话" not in page.split("变更内容")[1]


def test_tabs_backslashes_and_line_breaks_in_cells_are_stored_as_written(lintan_clerk):
    rows = household("H110", size=2)
    rows[0][2], rows[1][2] = "卓玛\\次仁", "扎西\t多杰"
    for row in rows:
        row.append("李\n老师")
    assert run(lintan_clerk, roster(*rows, header=[*HEADER, "帮扶责任人"])).ok
    h = Household.objects.get(code="H110")
    assert h.cadre_name == "李\n老师" and h.head_name == "卓玛\\次仁"
    assert sorted(h.members.values_list("name", flat=True)) == ["卓玛\\次仁", "扎西\t多杰"]
    trail = AuditEntry.objects.get(household_code="H110", action="create")
    assert [m["name"] for m in trail.changes["members"][1]] == ["卓玛\\次仁", "扎西\t多杰"]


def test_an_exit_below_the_line_is_imported_with_a_warning(lintan_clerk):
    report = run(lintan_clerk, roster(*household("H102", exit_year=2015, exit_type="稳定脱贫", income="2000")))
    assert report.ok and report.applied
    assert "未超过当年贫困线 2855" in str(report.warnings[0])
    assert Household.objects.get(code="H102").status == Status.EXITED_STABLE


def test_a_dry_run_writes_nothing(lintan_clerk):
    before = counts()
    report = run(lintan_clerk, roster(*household("H103")), dry_run=True)
    assert report.ok and not report.applied and report.counts["households_create"] == 1
    assert counts() == before


def test_reimporting_the_same_file_changes_nothing(lintan_clerk):
    data = roster(*household("H104", size=3, exit_year=2016, exit_type="稳定脱贫", income="4200"))
    assert run(lintan_clerk, data).ok
    before = counts()
    report = run(lintan_clerk, data)
    assert report.ok and report.counts["households_unchanged"] == 1 and report.counts["members_unchanged"] == 3
    assert report.changed == 0
    assert counts() == before


def test_rows_update_households_by_code_and_append_history(lintan_clerk):
    ids = [make_id(), make_id(), make_id()]
    assert run(lintan_clerk, roster(*household("H105", size=2, ids=ids))).ok
    h = Household.objects.get(code="H105")
    rows = household("H105", size=3, ids=ids, exit_year=2016, exit_type="稳定脱贫", income="5000", cause="因残")
    report = run(lintan_clerk, roster(*rows), name="second.csv")
    assert report.ok, report.errors
    assert report.counts["households_update"] == 1 and report.counts["members_create"] == 1
    h.refresh_from_db()
    assert h.member_count == 3 and h.main_cause == 2 and h.status == Status.EXITED_STABLE
    assert AuditEntry.objects.filter(batch="导入 second.csv by lintan_clerk", action="status").count() == 1


def test_codes_and_labels_are_both_accepted(lintan_clerk):
    rows = household("H106", attribute="低保贫困户", cause="1")
    rows[0][4] = "head"
    assert run(lintan_clerk, roster(*rows)).ok
    assert Household.objects.get(code="H106").attribute == 2


def bad(user, data, *, column, reason, name="roster.csv"):
    before = counts()
    report = run(user, data, name=name)
    assert not report.ok
    assert counts() == before
    text = "\n".join(str(p) for p in report.errors)
    assert reason in text, text
    if column:
        assert any(p.column == column for p in report.errors), text
    return report


def test_wrong_encoding_is_refused(lintan_clerk):
    data = roster(*household("H200")).decode("utf-8").encode("utf-16")
    bad(lintan_clerk, data, column="", reason="UTF-16")


def test_gbk_files_are_read(lintan_clerk):
    data = roster(*household("H201")).decode("utf-8").encode("gbk")
    assert run(lintan_clerk, data).ok
    assert Household.objects.filter(code="H201").exists()


def test_utf8_with_bom_is_read(lintan_clerk):
    assert run(lintan_clerk, b"\xef\xbb\xbf" + roster(*household("H202"))).ok


def test_a_missing_required_column_is_named(lintan_clerk):
    header = [h for h in HEADER if h != "主要致贫原因"]
    rows = [[v for i, v in enumerate(r) if HEADER[i] != "主要致贫原因"] for r in household("H203")]
    bad(lintan_clerk, roster(*rows, header=header), column="", reason="缺少必填列：主要致贫原因（main_cause）")


def test_english_aliases_are_accepted(lintan_clerk):
    header = [
        "household_code",
        "village_code",
        "name",
        "id_number",
        "relation",
        "attribute",
        "main_cause",
        "identified_year",
        "exit_year",
        "exit_type",
        "returned_year",
        "income_per_capita",
    ]
    assert run(lintan_clerk, roster(*household("H204"), header=header)).ok


def test_a_duplicate_id_within_the_file_is_refused(lintan_clerk):
    same = make_id()
    rows = household("H205", ids=[same, make_id()]) + household("H206", ids=[same, make_id()])
    report = bad(lintan_clerk, roster(*rows), column="证件号码", reason="与第 2 行的证件号码重复")
    assert report.errors[0].row == 4


def test_an_id_registered_elsewhere_is_refused(lintan_clerk):
    existing = register(lintan_clerk, "623021100202", "H300")
    taken = existing.members.get(relation="head").id_number
    bad(
        lintan_clerk,
        roster(*household("H207", ids=[taken, make_id()])),
        column="证件号码",
        reason="已登记在贫困户 H300",
    )


def test_a_bad_check_character_is_refused(lintan_clerk):
    good = make_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    bad(lintan_clerk, roster(*household("H208", ids=[wrong, make_id()])), column="证件号码", reason="校验位错误")


def test_a_birth_date_in_the_future_is_refused(lintan_clerk):
    body = f"623021{timezone.localdate().year + 1}0101001"
    future = body + ric.calc_check_digit(body + "0")
    bad(lintan_clerk, roster(*household("H209", ids=[future, make_id()])), column="证件号码", reason="出生日期在未来")


def test_a_birth_date_column_in_the_future_is_refused(lintan_clerk):
    rows = [r + [f"{timezone.localdate().year + 1}-01-01"] for r in household("H210")]
    bad(lintan_clerk, roster(*rows, header=HEADER + ["出生日期"]), column="出生日期", reason="出生日期在未来")


def test_two_heads_are_refused(lintan_clerk):
    rows = household("H211")
    rows[1][4] = "户主"
    bad(lintan_clerk, roster(*rows), column="与户主关系", reason="有且只有一位户主，户 H211 现在有 2 位")


def test_an_unknown_village_code_is_refused(lintan_clerk):
    bad(lintan_clerk, roster(*household("H212", village="623021100299")), column="行政区划代码", reason="不存在")


def test_a_village_outside_the_clerks_region_is_refused(chengguan_clerk):
    report = bad(
        chengguan_clerk,
        roster(*household("H213", village="623021101201")),
        column="行政区划代码",
        reason="不在您的管辖范围内",
    )
    assert report.errors[0].row == 2


def test_an_exit_before_identification_is_refused(lintan_clerk):
    bad(
        lintan_clerk,
        roster(*household("H214", identified=2015, exit_year=2014, exit_type="稳定脱贫")),
        column="脱贫年度",
        reason="脱贫年度早于识别年度 2015",
    )


def test_an_exit_type_without_exit_year_is_refused(lintan_clerk):
    bad(lintan_clerk, roster(*household("H215", exit_type="稳定脱贫")), column="脱贫类型", reason="没有脱贫年度")


@pytest.mark.parametrize("income,reason", [("-100", "不能为负数"), ("四千", "不是有效的数字")])
def test_negative_or_non_numeric_income_is_refused(lintan_clerk, income, reason):
    bad(lintan_clerk, roster(*household("H216", income=income)), column="人均纯收入", reason=reason)


def test_a_year_outside_2000_to_now_is_refused(lintan_clerk):
    bad(lintan_clerk, roster(*household("H217", identified=1999)), column="识别年度", reason="2000")


def test_an_empty_file_is_refused(lintan_clerk):
    bad(lintan_clerk, b"", column="", reason="文件是空的")
    bad(lintan_clerk, roster(), column="", reason="没有数据行")


def test_a_file_that_is_not_a_spreadsheet_is_refused(lintan_clerk):
    bad(lintan_clerk, b"%PDF-1.4 binary", column="", reason="不是电子表格", name="roster.pdf")
    bad(lintan_clerk, b"PK\x03\x04not really a zip", column="", reason="不是电子表格", name="roster.xlsx")


def test_an_oversized_file_is_refused(lintan_clerk, settings):
    settings.IMPORT_MAX_BYTES = 100
    bad(lintan_clerk, roster(*household("H218")), column="", reason="超过导入上限")


def test_an_id_excel_stored_as_a_number_is_refused_unless_exact(lintan_clerk):
    rows = household("H219")
    rows[0][3] = "6.23021198001011E+17"
    bad(lintan_clerk, roster(*rows), column="证件号码", reason="存成了数字")


def test_an_official_cannot_import(lintan_official):
    report = run(lintan_official, roster(*household("H220")))
    assert not report.ok and "没有导入数据的权限" in str(report.errors[0])


def test_history_cannot_be_rewritten(lintan_clerk):
    ids = [make_id(), make_id()]
    assert run(
        lintan_clerk, roster(*household("H221", ids=ids, exit_year=2016, exit_type="稳定脱贫", income="5000"))
    ).ok
    bad(
        lintan_clerk,
        roster(*household("H221", ids=ids, exit_year=2017, exit_type="稳定脱贫", income="5000")),
        column="脱贫年度",
        reason="不能改写历史",
    )


def test_the_command_line_reports_and_exits_non_zero_on_errors(lintan_clerk, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(roster(*household("H222")))
    call_command("import_households", str(good), "--dry-run", "--user", "lintan_clerk")
    assert "新增贫困户：1" in capsys.readouterr().out
    assert not Household.objects.filter(code="H222").exists()
    call_command("import_households", str(good), "--user", "lintan_clerk")
    assert Household.objects.filter(code="H222").exists()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(roster(*household("H223", village="623099999999")))
    with pytest.raises(CommandError) as e:
        call_command("import_households", str(broken), "--user", "lintan_clerk")
    assert e.value.returncode == 1
    assert "行政区划代码" in capsys.readouterr().out


def test_bytes_that_are_neither_utf8_nor_gbk_are_refused(lintan_clerk):
    bad(lintan_clerk, roster(*household("H224")) + b"\x80\xff\x80\xff", column="", reason="无法识别文件编码")


def test_an_empty_required_cell_is_named_with_its_row(lintan_clerk):
    rows = household("H225", income="3000")
    rows[0][7] = rows[1][7] = ""
    report = bad(lintan_clerk, roster(*rows), column="识别年度", reason="不能为空")
    assert report.errors[0].row == 2
