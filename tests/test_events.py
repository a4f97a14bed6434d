"""The events file (变动记录, register.md): each refusal names its row and changes nothing; the export reads back."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from households.events import events_import
from households.models import Household, Member, Status, StatusChange
from procedures.models import Case

from .conftest import change_status, register

CHENGGUAN = "623021100201"
HEADER = ["户编号", "证件号码", "变动类型", "变动日期", "变动原因"]


def events_file(*rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def run(user, data, dry_run=False):
    return events_import(data=data, file_name="events.csv", user=user, dry_run=dry_run)


def register_state() -> tuple:
    """Everything an events import may write, to show that a refused file wrote nothing."""
    return (
        list(StatusChange.objects.order_by("id").values_list("id", "status", "date", "reason")),
        list(Member.objects.order_by("id").values_list("id", "joined_on", "join_reason", "left_on", "leave_reason")),
        AuditEntry.objects.count(),
        Case.objects.count(),
    )


@pytest.fixture
def family(lintan_clerk):
    """A household of 城关村 identified on 1 June 2014: a head born 1980 and two sons born 2005."""
    return register(lintan_clerk, CHENGGUAN, "E001", identified_on=date(2014, 6, 1))


def ids(household: Household) -> list[str]:
    """The head's ID number, then the others'."""
    members = household.members.order_by("id").values_list("relation", "id_number")
    return [n for r, n in members if r == "head"] + [n for r, n in members if r != "head"]


# --- applying ---------------------------------------------------------------------------------


def test_it_appends_status_events_and_dates_members_joining_and_leaving(lintan_clerk, family):
    head, son, younger = ids(family)
    data = events_file(
        ["E001", "", "巩固提升", "2016-10-20", "收入达标"],
        ["E001", younger, "成员减少", "2017-03-05", "迁出 外出务工落户"],
        ["E001", "", "稳定脱贫", "2017-08-01", "巩固一年"],
        ["E001", son, "成员增加", "2014-06-01", ""],
    )
    report = run(lintan_clerk, data)
    assert report.ok, report.errors
    assert report.applied and report.counts["status_added"] == 2 and report.counts["members_left"] == 1
    history = list(family.status_changes.order_by("sequence").values_list("status", "date"))
    assert history == [
        (Status.IDENTIFIED, date(2014, 6, 1)),
        (Status.EXITED_CONSOLIDATING, date(2016, 10, 20)),
        (Status.EXITED_STABLE, date(2017, 8, 1)),
    ]
    gone = Member.objects.get(household=family, id_number=younger)
    assert (gone.left_on, gone.leave_reason, gone.span_note) == (date(2017, 3, 5), "moved_out", "外出务工落户")
    family.refresh_from_db()
    assert family.member_count == 2 and family.status == Status.EXITED_STABLE
    # The status events appear in the procedures history as approved cases.
    assert Case.objects.filter(household=family, historical=True).count() == 2


def test_a_history_imported_with_years_only_gets_its_days(lintan_clerk):
    # What a roster import writes: each change on 31 December of its year.
    h = register(lintan_clerk, CHENGGUAN, "E002", identified_on=date(2014, 12, 31))
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2016, 12, 31))
    data = events_file(
        ["E002", "", "识别", "2014-05-10", "建档立卡"],
        ["E002", "", "巩固提升", "2016-11-02", "收入达标"],
        ["E002", "", "稳定脱贫", "2017-06-30", "巩固一年"],
        ["E002", "", "清退", "2018-04-01", "识别不准"],
    )
    report = run(lintan_clerk, data)
    assert report.ok, report.errors
    assert report.counts["histories_dated"] == 1
    assert list(h.status_changes.order_by("sequence").values_list("status", "date", "ended_on")) == [
        (Status.IDENTIFIED, date(2014, 5, 10), date(2016, 11, 2)),
        (Status.EXITED_CONSOLIDATING, date(2016, 11, 2), date(2017, 6, 30)),
        (Status.EXITED_STABLE, date(2017, 6, 30), date(2018, 4, 1)),
        (Status.REMOVED, date(2018, 4, 1), None),
    ]
    h.refresh_from_db()
    assert h.status == Status.REMOVED
    assert set(Member.objects.filter(household=h).values_list("household_closed", flat=True)) == {True}
    announced = sorted(Case.objects.filter(household=h, historical=True).values_list("announced_on", flat=True))
    assert announced == [date(2014, 5, 10), date(2016, 11, 2), date(2017, 6, 30), date(2018, 4, 1)]


def test_the_last_member_leaves_then_the_household_dissolves(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "E003", size=1, identified_on=date(2014, 6, 1))
    (head,) = ids(h)
    report = run(
        lintan_clerk,
        events_file(
            ["E003", head, "成员减少", "2016-02-01", "死亡"], ["E003", "", "自然减少", "2016-03-01", "成员全部死亡"]
        ),
    )
    assert report.ok, report.errors
    h.refresh_from_db()
    assert h.status == Status.DISSOLVED and h.member_count == 0


def test_reimporting_the_same_file_changes_nothing(lintan_clerk, family, tmp_path):
    head, son, younger = ids(family)
    path = tmp_path / "events.csv"
    path.write_bytes(
        events_file(
            ["E001", "", "稳定脱贫", "2016-10-20", "收入达标"], ["E001", younger, "成员减少", "2017-03-05", "婚出"]
        )
    )
    call_command("import_events", str(path), "--user", lintan_clerk.username, stdout=io.StringIO())
    before = register_state()
    out = io.StringIO()
    call_command("import_events", str(path), "--user", lintan_clerk.username, stdout=out)
    assert "共 0 处变动" in out.getvalue()
    assert "变动记录未变：2" in out.getvalue()
    assert register_state() == before


def test_a_dry_run_reports_and_writes_nothing(lintan_clerk, family, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(events_file(["E001", "", "稳定脱贫", "2016-10-20", "收入达标"]))
    before = register_state()
    out = io.StringIO()
    call_command("import_events", str(path), "--user", lintan_clerk.username, "--dry-run", stdout=out)
    assert "新增状态变更：1" in out.getvalue() and "预览（未写入数据库）" in out.getvalue()
    assert register_state() == before


# --- refusals ------------------------------------------------------------------------------------


def refusals(family: Household) -> list[tuple[list, str, str]]:
    head, son, younger = ids(family)
    return [
        (["NOPE", "", "稳定脱贫", "2016-10-20", ""], "户编号", "户编号不存在或不在您的管辖范围内。"),
        (["E001", "623021198001019999", "成员减少", "2016-10-20", "死亡"], "证件号码", "证件号码"),
        (["E001", "623021198001011234", "成员减少", "2016-10-20", "死亡"], "证件号码", "该证件号码不是户 E001 的成员"),
        (["E001", son, "成员减少", "2014-01-02", "死亡"], "变动日期", "不能在加入前离开"),
        (["E001", son, "成员增加", "2004-12-31", "迁入"], "变动日期", "不能在出生前加入"),
        (["E001", "", "脱贫", "2016-10-20", ""], "变动类型", "不是可选值之一"),
        (["E001", son, "成员减少", "2016-10-20", "失踪"], "变动原因", "应以原因代码开头"),
        (["E001", "", "稳定脱贫", "2016/10/32", ""], "变动日期", "日期格式应为 YYYY-MM-DD"),
        (["E001", "", "稳定脱贫", "2999-01-01", ""], "变动日期", "日期不能晚于今天"),
        (["E001", "", "清退", "2016-10-20", ""], "变动原因", "清退必须填写原因"),
        (["E001", "", "返贫", "2016-10-20", "因病"], "变动类型", "不能从“未脱贫”变更为“返贫”"),
        (["E001", "", "稳定脱贫", "2013-10-20", ""], "变动日期", "与系统中的状态记录不一致"),
        (["E001", head, "稳定脱贫", "2016-10-20", ""], "证件号码", "户级变动（稳定脱贫）不填证件号码"),
        (["E001", "", "成员减少", "2016-10-20", "死亡"], "证件号码", "成员变动须填写成员的证件号码"),
    ]


def test_each_refusal_names_the_row_the_column_and_why_and_nothing_changes(lintan_clerk, family):
    good = ["E001", ids(family)[2], "成员减少", "2017-03-05", "婚出"]
    for row, column, message in refusals(family):
        before = register_state()
        report = run(lintan_clerk, events_file(good, row))
        assert not report.ok and not report.applied, row
        problem = report.errors[0]
        assert (problem.row, problem.column) == (3, column), (row, str(problem))
        assert message in problem.reason, (row, str(problem))
        assert str(problem).startswith(f"第 3 行 {column}")
        assert register_state() == before, row


def test_a_second_joining_of_the_same_member_is_refused(lintan_clerk, family):
    son = ids(family)[1]
    report = run(
        lintan_clerk,
        events_file(["E001", son, "成员增加", "2014-06-01", ""], ["E001", son, "成员增加", "2015-06-01", "迁入"]),
    )
    assert [(p.row, p.column) for p in report.errors] == [(3, "变动类型")]
    assert "与第 2 行重复" in report.errors[0].reason


def test_a_change_in_a_closed_year_is_refused_for_a_clerk_and_a_correction_for_an_admin(lintan_clerk, admin, family):
    from metrics.closing import year_close

    year_close(user=admin, year=2016)
    data = events_file(["E001", "", "稳定脱贫", "2016-10-20", "收入达标"])
    before = register_state()
    report = run(lintan_clerk, data)
    assert [(p.row, p.column) for p in report.errors] == [(2, "变动日期")]
    assert "2016 年度数据已锁定上报" in report.errors[0].reason
    assert register_state() == before
    report = run(admin, data)
    assert report.ok and report.applied, report.errors
    assert AuditEntry.objects.filter(action="correction", household_code="E001").exists()


def test_a_household_of_another_region_answers_exactly_like_a_missing_one(zhuoni_clerk, family):
    foreign = run(zhuoni_clerk, events_file(["E001", "", "稳定脱贫", "2016-10-20", ""]))
    missing = run(zhuoni_clerk, events_file(["E999", "", "稳定脱贫", "2016-10-20", ""]))
    assert [(p.row, p.column, p.reason) for p in foreign.errors] == [
        (p.row, p.column, p.reason) for p in missing.errors
    ]
    assert family.status_changes.count() == 1


def test_an_official_may_not_import(lintan_official, family):
    report = run(lintan_official, events_file(["E001", "", "稳定脱贫", "2016-10-20", ""]))
    assert not report.ok and family.status_changes.count() == 1


def test_the_command_exits_1_on_errors(lintan_clerk, family, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(events_file(["NOPE", "", "稳定脱贫", "2016-10-20", ""]))
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_events", str(path), "--user", lintan_clerk.username, stdout=out)
    assert refused.value.returncode == 1
    assert "第 2 行 户编号 “NOPE”：户编号不存在或不在您的管辖范围内。" in out.getvalue()


# --- the web page ---------------------------------------------------------------------------------


def test_a_clerk_uploads_previews_and_confirms(client, lintan_clerk, family):
    client.force_login(lintan_clerk)
    page = client.get(reverse("households_data:index")).content.decode()
    assert reverse("households_data:upload", args=["events"]) in page
    assert reverse("households_data:events_export") in page
    upload = io.BytesIO(events_file(["E001", "", "稳定脱贫", "2016-10-20", "收入达标"]))
    upload.name = "events.csv"
    preview = client.post(reverse("households_data:upload", args=["events"]), {"file": upload})
    assert preview.status_code == 200 and "新增状态变更" in preview.content.decode()
    assert family.status_changes.count() == 1
    token = next(iter(client.session["imports"]))
    done = client.post(reverse("households_data:confirm", args=["events"]), {"token": token})
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert family.status_changes.count() == 2


def test_a_large_upload_is_checked_in_the_background_then_previewed_and_confirmed(
    client, lintan_clerk, family, settings
):
    from jobs.models import Job, JobStatus

    settings.IMPORT_BACKGROUND_BYTES = 10  # a county's events take minutes to check: not inside a request
    client.force_login(lintan_clerk)
    upload = io.BytesIO(events_file(["E001", "", "稳定脱贫", "2016-10-20", "收入达标"]))
    upload.name = "events.csv"
    started = client.post(reverse("households_data:upload", args=["events"]), {"file": upload})
    check = Job.objects.get(user=lintan_clerk, kind="households.import_check")
    assert started.status_code == 302 and started["Location"] == f"/jobs/{check.pk}/"
    assert check.status == JobStatus.DONE and family.status_changes.count() == 1  # checked, nothing written
    page = client.get(started["Location"]).content.decode()
    assert "查看预览并确认导入" in page and check.link in page
    preview = client.get(check.link)
    text = preview.content.decode()
    assert preview.status_code == 200 and "<th>新增状态变更</th><td>1</td>" in text and 'id="confirm-import"' in text
    token = next(iter(client.session["imports"]))
    applied = client.post(reverse("households_data:confirm", args=["events"]), {"token": token})
    job = Job.objects.get(user=lintan_clerk, kind="households.import")
    assert applied["Location"] == f"/jobs/{job.pk}/" and job.status == JobStatus.DONE
    assert family.status_changes.count() == 2


def test_a_large_upload_refused_by_the_background_check_names_the_row_and_is_not_kept(
    client, zhuoni_clerk, family, settings
):
    from jobs.models import Job, JobStatus

    settings.IMPORT_BACKGROUND_BYTES = 10
    client.force_login(zhuoni_clerk)
    upload = io.BytesIO(events_file(["E001", "", "稳定脱贫", "2016-10-20", ""]))
    upload.name = "events.csv"
    client.post(reverse("households_data:upload", args=["events"]), {"file": upload})
    check = Job.objects.get(user=zhuoni_clerk)
    assert check.status == JobStatus.FAILED and check.link == ""
    assert (
        "共 1 处错误" in check.error and "第 2 行" in check.error and "户编号不存在或不在您的管辖范围内" in check.error
    )
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / "imports").iterdir())
    assert family.status_changes.count() == 1


def test_another_regions_clerk_uploading_gets_the_missing_household_message(client, zhuoni_clerk, family):
    client.force_login(zhuoni_clerk)
    upload = io.BytesIO(events_file(["E001", "", "稳定脱贫", "2016-10-20", ""]))
    upload.name = "events.csv"
    page = client.post(reverse("households_data:upload", args=["events"]), {"file": upload})
    assert page.status_code == 422 and "户编号不存在或不在您的管辖范围内" in page.content.decode()
    assert family.status_changes.count() == 1


def test_the_events_template_has_the_columns(client, lintan_clerk):
    import openpyxl

    client.force_login(lintan_clerk)
    response = client.get(reverse("households_data:template", args=["events"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER


# --- export ---------------------------------------------------------------------------------------


def export(client, user, **params) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse("households_data:events_export"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_is_the_import_format_in_date_order_with_a_trailer(client, lintan_clerk, family):
    head, son, younger = ids(family)
    run(
        lintan_clerk,
        events_file(
            ["E001", "", "稳定脱贫", "2016-10-20", "收入达标"],
            ["E001", younger, "成员减少", "2017-03-05", "婚出 嫁到卓尼"],
        ),
    )
    rows = export(client, lintan_clerk)
    assert rows[0] == HEADER
    assert rows[-1] == [f"# 导出完成，共 {len(rows) - 2} 行"]
    body = rows[1:-1]
    masked = [r[1] for r in body if r[1]]
    assert masked and all("*" in n for n in masked)  # a clerk's export hides the middle of ID numbers
    assert [r[2:] for r in body] == [
        ["识别", "2014-06-01", "建档立卡"],
        ["成员增加", "2014-06-01", ""],
        ["成员增加", "2014-06-01", ""],
        ["成员增加", "2014-06-01", ""],
        ["稳定脱贫", "2016-10-20", "收入达标"],
        ["成员减少", "2017-03-05", "婚出 嫁到卓尼"],
    ]


def test_an_admins_full_export_reads_back_as_unchanged_and_is_audited(client, admin, lintan_clerk, family):
    son = ids(family)[1]
    run(lintan_clerk, events_file(["E001", son, "成员增加", "2015-02-01", "婚入"]))
    rows = export(client, admin, full="1", division="623021")
    assert son in {r[1] for r in rows[1:-1]}  # in full
    assert AuditEntry.objects.filter(action="export", object_type="household_events").count() == 1
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    before = register_state()
    report = run(lintan_clerk, out.getvalue().encode())
    assert report.ok and report.changed == 0, report.errors
    assert register_state()[:2] == before[:2]


def test_another_regions_export_lists_none_of_its_households(client, zhuoni_clerk, family):
    rows = export(client, zhuoni_clerk)
    assert rows[0] == HEADER and len(rows) == 2  # header and trailer
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("households_data:events_export"), {"full": "1"}).status_code == 403


# --- the round trip -------------------------------------------------------------------------------


def all_figures() -> dict:
    """Every figure of every region (the prefecture, its counties, townships and villages) and year."""
    from metrics import compute
    from metrics.selectors import region_figures
    from villages.models import Division, Level

    out = {}
    for parent in Division.objects.filter(level__in=[Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]).order_by("code"):
        figures = region_figures(division=parent, first=2011, last=timezone.localdate().year, with_children=True)
        table = figures.table[compute.SCALAR_KEYS]
        out[parent.code] = (
            table.astype(object).where(table.notna(), None).to_dict(),
            figures.by_cause,
            figures.by_attribute,
        )
    return out


def empty_register() -> None:
    """Delete every household and what hangs on them (funds, cases, 疑点); divisions and village facts stay."""
    from funds.models import Disbursement, Loan, Measure, MutualAidLoan, MutualAidMember
    from quality.models import Issue

    for model in (Issue, Case, Measure, Disbursement, Loan, MutualAidLoan, MutualAidMember, Household):
        model.objects.all().delete()


@pytest.mark.slow
@pytest.mark.django_db
def test_export_then_import_into_an_empty_register_reproduces_every_figure_of_every_year(client, tmp_path):
    from accounts.models import User

    call_command("seed_demo", scale=0.1, stdout=io.StringIO())
    admin = User.objects.get(username="demo_admin")
    client.force_login(admin)
    roster = client.get(reverse("households_data:export", args=["csv"]), {"full": "1", "departed": "1"})
    events = client.get(reverse("households_data:events_export"), {"full": "1"})
    (tmp_path / "roster.csv").write_bytes(b"".join(roster.streaming_content))
    (tmp_path / "events.csv").write_bytes(b"".join(events.streaming_content))
    before = all_figures()
    households = Household.objects.count()
    empty_register()
    assert Household.objects.count() == 0
    call_command("import_households", str(tmp_path / "roster.csv"), "--user", admin.username, stdout=io.StringIO())
    call_command("import_events", str(tmp_path / "events.csv"), "--user", admin.username, stdout=io.StringIO())
    assert Household.objects.count() == households
    assert all_figures() == before
    out = io.StringIO()
    call_command("import_events", str(tmp_path / "events.csv"), "--user", admin.username, stdout=out)
    assert "共 0 处变动" in out.getvalue()
