"""Bulk import of the household roster (信息采集表): one row per member, household columns repeated.

`households_import` reads the file, checks every row (errors carry row,
column, value and reason), classifies each household as to create, update or
unchanged, and applies it through the services inside one transaction: any
error and nothing is written. A dry run does the same and rolls back.
"""

import gc
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import Action, audit_record
from gannan.lib.calendar import year_event_date
from gannan.lib.tabular import (
    CellError,
    Column,
    FileRefused,
    Report,
    boolean,
    choice_parser,
    decimal,
    integer,
    map_columns,
    read_table,
    text,
    year,
)
from metrics.rollups import rollups_deferred
from procedures.services import cases_record_history
from villages.models import Division, Level
from villages.scope import in_scope

from .checks import IMPORT_CHECKS
from .ids import normalize_id
from .models import (
    EXITED_STATUSES,
    Attribute,
    Cause,
    Education,
    Ethnicity,
    Health,
    Household,
    HouseholdYear,
    HousingGrade,
    Labour,
    LeaveReason,
    Member,
    PovertyLine,
    Relation,
    Sex,
    Standard,
    Status,
    StatusChange,
    StudentStatus,
)
from .services import (
    MEMBER_FIELDS,
    SPAN_FIELDS,
    household_status_change,
    household_update,
    household_year_save,
    households_register_bulk,
    member_clean,
)

CHUNK = 1000
# The first cell of the export's last row ("# 导出完成，共 N 行"): the import skips such a row.
TRAILER = "#"
VILLAGE_CODE = re.compile(r"\d{12}")


# The 脱贫类型 column: the two exited statuses.
EXIT_TYPES = [(s.value, s.label) for s in (Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING)]


def secondary_causes(value: Any) -> list[int]:
    parse = choice_parser(Cause)
    parts = [p for p in re.split(r"[、,，;；/\s]+", text(value)) if p]
    return sorted({parse(p) for p in parts})


def id_number(value: Any) -> str:
    """The ID as text; a number Excel stored is accepted only when it is exact."""
    if isinstance(value, bool):
        raise CellError(_("证件号码无效。"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        raise CellError(
            _("证件号码被 Excel 存成了数字（%(v)s），后几位已丢失。请把该列设为“文本”格式，重新填写证件号码。")
            % {"v": f"{value:.14E}"}
        )
    s = text(value)
    if "*" in s:
        raise CellError(_("证件号码已部分隐藏（来自脱敏导出）：导入需要完整的证件号码。"))
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", s):
        raise CellError(
            _("证件号码被 Excel 存成了数字（%(v)s），后几位已丢失。请把该列设为“文本”格式，重新填写证件号码。")
            % {"v": s}
        )
    if re.fullmatch(r"\d{15,18}\.0+", s):
        s = s.split(".")[0]
    return normalize_id(s)


def birth_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = text(value)
    for pattern in (
        r"(\d{4})-(\d{1,2})-(\d{1,2})",
        r"(\d{4})/(\d{1,2})/(\d{1,2})",
        r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
        r"(\d{4})(\d{2})(\d{2})",
        r"(\d{4})年(\d{1,2})月(\d{1,2})日",
    ):
        m = re.fullmatch(pattern, s)
        if m:
            try:
                born = date(*map(int, m.groups()))
            except ValueError:
                break
            if born > timezone.localdate():
                raise CellError(_("出生日期在未来。"))
            return born
    raise CellError(_("日期格式应为 YYYY-MM-DD。"))


def code_text(value: Any) -> str:
    return text(value)


def plain_text(value: Any) -> str:
    return text(value)


def non_negative_int(value: Any) -> int:
    n = integer(value)
    if n < 0:
        raise CellError(_("不能为负数。"))
    return n


def income(value: Any) -> Decimal:
    d = decimal(value)
    if d < 0:
        raise CellError(_("不能为负数。"))
    return d


# --- the columns ------------------------------------------------------------------------


def _verbose(model, name: str) -> str:
    with translation.override("zh-hans"):
        return str(model._meta.get_field(name).verbose_name)


def roster_columns(*, with_departed: bool = True) -> list[Column]:
    """The roster format: the issue's required columns first, then every other field as an optional column.

    `with_departed` adds 离开原因, filled only for a member who has left (the roster exported with the
    members who left): such a row is a member in the household's file, not on its roster now. The
    import reads it; the template and the export of members present now leave it out.
    """
    choice = choice_parser
    cols = [
        Column("household_code", "户编号", "household", code_text, True, field_name="code"),
        Column("village_code", "行政区划代码", "household", code_text, True, field_name="village"),
        Column("name", "姓名", "member", plain_text, True),
        Column("id_number", "证件号码", "member", id_number, True),
        Column("relation", "与户主关系", "member", choice(Relation), True, Relation),
        Column("attribute", "贫困户属性", "household", choice(Attribute), True, Attribute),
        Column("main_cause", "主要致贫原因", "household", choice(Cause), True, Cause),
        Column("identified_year", "识别年度", "household", year, True),
        Column("exit_year", "脱贫年度", "history", year, True),
        Column("exit_type", "脱贫类型", "history", choice(EXIT_TYPES), True, EXIT_TYPES),
        Column("returned_year", "返贫年度", "history", year, True),
        Column("income_per_capita", "人均纯收入", "year", income, True),
    ]
    optional_household = [
        ("standard", choice(Standard), Standard),
        ("secondary_causes", secondary_causes, None),
        ("phone", plain_text, None),
        ("housing_grade", choice(HousingGrade), HousingGrade),
        ("safe_water", boolean, "bool"),
        ("cadre_name", plain_text, None),
        ("cadre_unit", plain_text, None),
        ("cadre_phone", plain_text, None),
    ]
    cols += [Column(n, _verbose(Household, n), "household", p, False, c) for n, p, c in optional_household]
    optional_member: list[tuple[str, Callable[[Any], Any], Any]] = [
        ("sex", choice(Sex), Sex),
        ("birth_date", birth_date, None),
        ("ethnicity", choice(Ethnicity), Ethnicity),
        ("education", choice(Education), Education),
        ("student_status", choice(StudentStatus), StudentStatus),
        ("health", choice(Health), Health),
        ("labour", choice(Labour), Labour),
        ("migrant_months", non_negative_int, None),
        ("medical_insurance", boolean, "bool"),
        ("pension", boolean, "bool"),
        ("dibao", boolean, "bool"),
    ]
    if with_departed:
        optional_member.append(("leave_reason", choice(LeaveReason), LeaveReason))
    cols += [Column(n, _verbose(Member, n), "member", p, False, c) for n, p, c in optional_member]
    cols.append(Column("year", _verbose(HouseholdYear, "year"), "year", year, False))
    parts = [
        ("income_wages", income),
        ("income_production", decimal),
        ("income_property", income),
        ("income_transfer", income),
    ]
    cols += [Column(n, _verbose(HouseholdYear, n), "year", p, False) for n, p in parts]
    checks = ["enough_food", "enough_clothing", "education_secured", "medical_secured", "housing_secured"]
    cols += [Column(n, _verbose(HouseholdYear, n), "year", boolean, False, "bool") for n in checks]
    return cols


COUNT_LABELS = {
    "households_create": gettext_lazy("新增贫困户"),
    "households_update": gettext_lazy("修改贫困户"),
    "households_unchanged": gettext_lazy("贫困户未变"),
    "members_create": gettext_lazy("新增成员"),
    "members_update": gettext_lazy("修改成员"),
    "members_delete": gettext_lazy("成员离开（名册中已无）"),
    "members_unchanged": gettext_lazy("成员未变"),
}


# --- status history as four columns -------------------------------------------------------


def history_columns(changes: list[tuple[str, date]]) -> dict[str, Any]:
    """The history columns (identified, exit year and type, returned) read off a status history in date order.

    Later changes the columns cannot express (a second exit, 清退) are left out;
    `rest` counts them.
    """
    out: dict[str, Any] = {
        "identified_year": None,
        "exit_year": None,
        "exit_type": None,
        "returned_year": None,
        "rest": 0,
    }
    i = 0
    if i < len(changes) and changes[i][0] == Status.IDENTIFIED:
        out["identified_year"] = changes[i][1].year
        i += 1
    if i < len(changes) and changes[i][0] in EXITED_STATUSES:
        out["exit_year"] = changes[i][1].year
        while i < len(changes) and changes[i][0] in EXITED_STATUSES:
            out["exit_type"] = changes[i][0]
            i += 1
    if i < len(changes) and changes[i][0] == Status.RETURNED and out["exit_year"]:
        out["returned_year"] = changes[i][1].year
        i += 1
    out["rest"] = len(changes) - i
    return out


# --- planning ------------------------------------------------------------------------------


@dataclass
class Planned:
    code: str
    first_row: int
    household: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)
    year_fields: dict[str, Any] = field(default_factory=dict)
    year: int | None = None
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)  # the household's columns as parsed, to compare its other rows


@dataclass
class RowChange:
    """One named line of the preview: a household or member the import adds, changes or removes."""

    action: str  # "create", "update" or "delete"
    household_code: str
    head_name: str
    member_name: str = ""  # empty for the household itself
    row: int | None = None  # the file's row (none for a member the file leaves out)


@dataclass
class RosterReport(Report):
    """The import's report with the households and members it adds, changes or removes, by name."""

    changes: list[RowChange] = field(default_factory=list)

    @property
    def removals(self) -> int:
        return sum(1 for c in self.changes if c.action == "delete")


def _head_name(plan: "Planned") -> str:
    return next(
        (m["name"] for _n, m in plan.members if m.get("relation") == Relation.HEAD and not m.get("left_on")),
        plan.members[0][1].get("name", "") if plan.members else "",
    )


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector; reference counting still frees memory as usual.

    A large file makes millions of long-lived objects and no reference cycles:
    the collector would walk them over and over, a fifth of a 100,000-row
    import's time (bench/import.py).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cyclic_gc_paused()
def households_import(*, data: bytes, file_name: str, user: User, dry_run: bool = False) -> RosterReport:
    """Import a roster file for `user`; with `dry_run`, report what would change and write nothing."""
    report = RosterReport(file_name=file_name)
    report.counts = dict.fromkeys(COUNT_LABELS, 0)
    if not user.can_edit_households:
        report.error(None, "", "", _("您没有导入数据的权限。"))
        return report
    try:
        header, rows = read_table(data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
        columns = roster_columns()
        index = map_columns(header, [(c.key, c.header, c.key, c.required) for c in columns], report)
        if report.errors:
            return report
        planned = _read_rows(rows, columns, index, report)
    except FileRefused as e:
        report.error(None, "", "", str(e))
        return report
    headers = {c.key: c.header for c in columns}
    creates, updates = _check_against_register(planned, user, report, headers)
    if report.errors:
        return report
    _warn_exits(planned, report, headers)
    dated = len(creates) + sum(1 for _plan, _household, change in updates if change["append"])
    if dated:
        # The roster has years, not dates: say which date is recorded rather than invent one silently.
        report.warn(
            None,
            "",
            "",
            _("文件中的识别、脱贫、返贫只有年度：%(n)d 户的状态日期按当年 12 月 31 日记录。") % {"n": dated},
        )
    batch = f"导入 {file_name} by {user.username}"[:200]
    with transaction.atomic(), rollups_deferred():
        _apply(creates, updates, user=user, batch=batch, report=report, headers=headers)
        if not report.errors:
            # The file's history was approved in the national system: each change is an approved case.
            cases_record_history(changes=StatusChange.objects.filter(household__code__in=list(planned)))
            first_rows = {code: plan.first_row for code, plan in planned.items()}
            for check in IMPORT_CHECKS:
                for code, message in check(codes=list(first_rows), dry_run=dry_run):
                    report.warn(first_rows[code], headers["household_code"], code, message)
        if report.changed and not report.errors and not dry_run:
            audit_record(
                user=user,
                action=Action.IMPORT,
                object_type="import",
                object_id=file_name[:64],
                changes=report.counts,
                region_code=user.region_code,
                summary=_("导入贫困户信息采集表 %(name)s：%(n)d 行") % {"name": file_name, "n": report.rows},
                batch=batch,
            )
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _read_rows(rows, columns: list[Column], index: dict[str, int], report: Report) -> dict[str, Planned]:
    """Parse every row; group them by household; check what one file alone can show."""
    present = [c for c in columns if c.key in index]
    # A file repeats the same few villages, years, codes and labels on every row: each column parses
    # a value once. Names and ID numbers are unique and secondary causes a list, so they are not kept.
    memos: dict[str, dict[Any, Any]] = {
        c.key: {} for c in present if c.key not in ("name", "id_number", "secondary_causes")
    }
    cells_read = [
        (c, index[c.key], memos.get(c.key), c.required and c.target in ("household", "member")) for c in present
    ]
    shared_keys = [c.key for c in present if c.target in ("household", "history", "year")]
    member_keys = [(c.field_name, c.key) for c in present if c.target == "member"]
    households: dict[str, Planned] = {}
    id_rows: dict[str, int] = {}  # the row of each person present
    today = timezone.localdate()
    for number, cells in rows:
        if cells and isinstance(cells[0], str) and cells[0].startswith(TRAILER):
            continue
        report.rows += 1
        values: dict[str, Any] = {}
        bad = False
        for col, i, memo, required in cells_read:
            raw = cells[i] if i < len(cells) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if required:
                    report.error(number, col.header, "", _("不能为空。"))
                    bad = True
                continue
            parsed = memo.get((type(raw), raw)) if memo is not None else None
            if parsed is None:
                try:
                    parsed = (True, col.parse(raw))
                except CellError as e:
                    parsed = (False, str(e))
                if memo is not None:
                    memo[(type(raw), raw)] = parsed
            if parsed[0]:
                values[col.key] = parsed[1]
            else:
                report.error(number, col.header, raw, parsed[1])
                bad = True
        code = values.get("household_code")
        if not code:
            continue
        village = values.get("village_code", "")
        if village and not VILLAGE_CODE.fullmatch(village):
            report.error(number, "行政区划代码", village, _("村级行政区划代码应为12位数字。"))
            bad = True
        household_part = {k: values[k] for k in shared_keys if k in values}
        plan = households.get(code)
        if plan is None:
            plan = households[code] = Planned(code=code, first_row=number)
            plan.household = {
                c.field_name: values[c.key] for c in present if c.target == "household" and c.key in values
            }
            plan.history = {c.key: values.get(c.key) for c in present if c.target == "history"}
            plan.year_fields = {c.key: values[c.key] for c in present if c.target == "year" and c.key in values}
            plan.shared = household_part
        elif plan.shared != household_part:
            differ = [c.header for c in present if household_part.get(c.key) != plan.shared.get(c.key)]
            report.error(
                number, "、".join(differ), "", _("同一户的户级信息与第 %(n)d 行不一致。") % {"n": plan.first_row}
            )
            bad = True
        plan.rows.append(number)
        if bad:
            continue
        member = {name: values[k] for name, k in member_keys if k in values}
        if member.get("leave_reason"):
            # A member who left: the roster has no dates, so they left today until the events file dates it.
            member["left_on"] = today
        given = set(member)
        try:
            member = member_clean(member, today=today)
        except ValidationError as e:
            for field_name, messages in e.message_dict.items():
                header = next((c.header for c in present if c.field_name == field_name), field_name)
                raw = values.get(field_name, member.get(field_name))
                for message in messages:
                    report.error(number, header, raw, message)
            continue
        # The span fields the file does not carry (member_clean gives them as empty) are not the file's to change.
        member = {k: v for k, v in member.items() if k not in SPAN_FIELDS or k in given}
        number_id = member["id_number"]
        # One person is present in one household. Who left may be present in another or again in the same
        # (the roster with departed members lists each of their stays).
        if number_id in id_rows and not member.get("left_on"):
            report.error(
                number,
                "证件号码",
                number_id,
                _("与第 %(n)d 行的证件号码重复：一人只能属于一户。") % {"n": id_rows[number_id]},
            )
            continue
        if not member.get("left_on"):
            id_rows[number_id] = number
        plan.members.append((number, member))
    for plan in households.values():
        # Who left is in the household's file, not on its roster: the head is the one present.
        staying = [n for n, m in plan.members if not m.get("left_on")]
        heads = [n for n, m in plan.members if m["relation"] == Relation.HEAD and not m.get("left_on")]
        if staying and len(heads) != 1 and len(plan.members) == len(plan.rows):
            where = heads[1] if len(heads) > 1 else plan.first_row
            report.error(
                where,
                "与户主关系",
                plan.code,
                _("每户必须有且只有一位户主，户 %(code)s 现在有 %(n)d 位。") % {"code": plan.code, "n": len(heads)},
            )
        _check_history(plan, report)
        if plan.year_fields.get("income_per_capita") is not None:
            # Without a 年度 column the income is that of the household's latest event.
            plan.year = plan.year_fields.pop("year", None) or max(
                (
                    y
                    for y in (
                        plan.household.get("identified_year"),
                        plan.history.get("exit_year"),
                        plan.history.get("returned_year"),
                    )
                    if y
                ),
                default=None,
            )
            _check_income_parts(plan, report)
        else:
            plan.year_fields = {}
    return households


def _check_history(plan: Planned, report: Report) -> None:
    identified = plan.household.get("identified_year")
    exit_year, exit_type, returned = (
        plan.history.get("exit_year"),
        plan.history.get("exit_type"),
        plan.history.get("returned_year"),
    )
    row = plan.first_row
    if exit_type and not exit_year:
        report.error(row, "脱贫类型", Status(exit_type).label, _("填写了脱贫类型，但没有脱贫年度。"))
    if exit_year and not exit_type:
        report.error(row, "脱贫年度", exit_year, _("填写了脱贫年度，但没有脱贫类型（稳定脱贫 / 巩固提升）。"))
    if exit_year and identified and exit_year < identified:
        report.error(row, "脱贫年度", exit_year, _("脱贫年度早于识别年度 %(y)d。") % {"y": identified})
    if returned and not exit_year:
        report.error(row, "返贫年度", returned, _("填写了返贫年度，但没有脱贫年度。"))
    if returned and exit_year and returned < exit_year:
        report.error(row, "返贫年度", returned, _("返贫年度早于脱贫年度 %(y)d。") % {"y": exit_year})


def _check_income_parts(plan: Planned, report: Report) -> None:
    fields = plan.year_fields
    parts = [fields.get(n) for n in ("income_wages", "income_production", "income_property", "income_transfer")]
    total = sum((p for p in parts if p is not None), Decimal("0"))
    if any(p is not None for p in parts) and total and abs(total - fields["income_per_capita"]) > 1:
        report.error(
            plan.first_row,
            "人均纯收入",
            fields["income_per_capita"],
            _("四项收入之和为 %(sum)s 元，与人均纯收入不一致。") % {"sum": total},
        )


def _check_against_register(planned: dict[str, Planned], user: User, report: RosterReport, headers: dict[str, str]):
    """Villages, scope, codes and IDs against the database, a few queries per chunk; classify each household."""
    creates: list[Planned] = []
    updates: list[tuple[Planned, Household, dict[str, Any]]] = []
    # After errors in the rows themselves, the register is still checked (every error is listed) but nothing classified.
    classify = not report.errors
    codes = list(planned)
    village_codes = {p.household.get("village") for p in planned.values()}
    villages = Division.objects.in_bulk([c for c in village_codes if c])
    for start in range(0, len(codes), CHUNK):
        chunk = [planned[c] for c in codes[start : start + CHUNK]]
        existing = {
            h.code: h
            for h in Household.objects.filter(code__in=[p.code for p in chunk]).prefetch_related(
                "members", "years", "status_changes"
            )
        }
        ids = [m["id_number"] for p in chunk for _n, m in p.members]
        taken = {}
        for start_ids in range(0, len(ids), CHUNK):
            for row in (
                Member.objects.filter(id_number__in=ids[start_ids : start_ids + CHUNK])
                .filter(left_on__isnull=True, household_closed=False)
                .values("id_number", "household__code", "household__village_id", "household__head_name")
            ):
                taken[row["id_number"]] = row
        for plan in chunk:
            village_code = plan.household.get("village")
            village = villages.get(village_code)
            if not village_code:
                continue
            # Another region's village reads exactly like a code that does not exist.
            if village is None or village.level != Level.VILLAGE or not in_scope(user, village_code):
                report.error(
                    plan.first_row,
                    headers["village_code"],
                    village_code,
                    _("行政区划代码不存在、不是村一级或不在您的管辖范围内（请先导入村级数据）。"),
                )
                continue
            plan.household["village"] = village
            household = existing.get(plan.code)
            if household is not None and not in_scope(user, household.village_id):
                report.error(
                    plan.first_row, headers["household_code"], plan.code, _("该户编号已被使用，请换一个户编号。")
                )
                continue
            for number, member in plan.members:
                other = taken.get(member["id_number"])
                if other is None or other["household__code"] == plan.code or member.get("left_on"):
                    continue
                if in_scope(user, other["household__village_id"]):
                    reason = _("该证件号码已登记在贫困户 %(code)s（户主 %(head)s）中，一人只能属于一户。") % {
                        "code": other["household__code"],
                        "head": other["household__head_name"],
                    }
                else:
                    reason = _("该证件号码已登记在其他地区的贫困户中，一人只能属于一户。")
                report.error(number, headers["id_number"], member["id_number"], reason)
            if not classify:
                continue
            if household is None:
                creates.append(plan)
                report.counts["households_create"] += 1
                report.counts["members_create"] += len(plan.members)
                head = _head_name(plan)
                report.changes.append(RowChange("create", plan.code, head, "", plan.first_row))
                report.changes += [RowChange("create", plan.code, head, m["name"], n) for n, m in plan.members]
            else:
                change = _compare(plan, household, report, headers)
                if change is not None:
                    updates.append((plan, household, change))
    return creates, updates


def _compare(
    plan: Planned, household: Household, report: RosterReport, headers: dict[str, str]
) -> dict[str, Any] | None:
    """What the file changes on an existing household (None when nothing); history conflicts are errors."""
    fields = {
        k: v
        for k, v in plan.household.items()
        if getattr(household, k if k != "village" else "village_id") != (v.code if k == "village" else v)
    }
    everyone = list(household.members.all())
    stored = {m.id_number: m for m in everyone if m.left_on is None}
    # A roster exported with the members who left lists them again: they stay as they are.
    left = {m.id_number for m in everyone if m.left_on is not None}
    departed = left - set(stored)
    here = {m["id_number"] for _n, m in plan.members if not m.get("left_on")}
    # Who left earlier stays in the file as they are.
    members = [
        {**{name: getattr(m, name) for name in MEMBER_FIELDS + SPAN_FIELDS}, "id": m.pk}
        for m in everyone
        if m.left_on is not None
    ]
    member_changes = 0
    head = _head_name(plan)
    named: list[RowChange] = []
    for number, m in plan.members:
        old = stored.get(m["id_number"])
        if m.get("left_on") and m["id_number"] in left:
            report.counts["members_unchanged"] += 1  # marked as left, and left this household already
            continue
        if m.get("left_on") and m["id_number"] in here:
            old = None  # left, and back again in another row: a stay of theirs before this one
        if old is None and m["id_number"] in departed:
            report.counts["members_unchanged"] += 1
            continue
        if old is None:
            report.counts["members_create"] += 1
            named.append(RowChange("create", plan.code, head, m["name"], number))
            members.append(m)
            continue
        merged = {name: getattr(old, name) for name in MEMBER_FIELDS + SPAN_FIELDS}
        merged.update(m)
        merged["id"] = old.pk
        if any(getattr(old, k) != v for k, v in m.items()):
            report.counts["members_update"] += 1
            named.append(RowChange("update", plan.code, head, m["name"], number))
            member_changes += 1
        else:
            report.counts["members_unchanged"] += 1
        members.append(merged)
    removed = set(stored) - {m["id_number"] for _n, m in plan.members}
    report.counts["members_delete"] += len(removed)
    named += [RowChange("delete", plan.code, head, stored[i].name) for i in sorted(removed)]
    # The roster carries no dates: a member no longer on it left today (the past stays as it was).
    for gone in sorted(removed):
        old = stored[gone]
        members.append(
            {
                **{name: getattr(old, name) for name in MEMBER_FIELDS + SPAN_FIELDS},
                "id": old.pk,
                "left_on": timezone.localdate(),
                "leave_reason": LeaveReason.OTHER,
                "span_note": _("名册中已无此人"),
            }
        )
    kept = len(everyone) - len(stored)  # who left earlier, carried over as they are
    members_changed = bool(member_changes or removed or len(members) - kept != len(stored))
    year_changed = False
    if plan.year is not None:
        record = next((y for y in household.years.all() if y.year == plan.year), None)
        year_changed = record is None or any(getattr(record, k) != v for k, v in plan.year_fields.items())
    changes = sorted(household.status_changes.all(), key=lambda c: (c.date, c.id))
    now = history_columns([(c.status, c.date) for c in changes])
    wanted = {"identified_year": plan.household.get("identified_year"), **plan.history}
    appended = []
    for key in ("identified_year", "exit_year", "returned_year"):
        if now[key] == wanted.get(key) and (key != "exit_year" or now["exit_type"] == wanted.get("exit_type")):
            continue
        if now[key] is None and not now["rest"]:
            appended.append(key)
            continue
        shown = {
            "identified_year": now["identified_year"],
            "exit_year": now["exit_year"],
            "returned_year": now["returned_year"],
        }
        report.error(
            plan.first_row,
            headers[key],
            wanted.get(key) or "",
            _(
                "与系统中的状态记录不一致（系统中：识别 %(i)s，脱贫 %(e)s，返贫 %(r)s）；"
                "导入只能补充新的状态，不能改写历史。"
            )
            % {
                "i": shown["identified_year"] or "-",
                "e": shown["exit_year"] or "-",
                "r": shown["returned_year"] or "-",
            },
        )
        return None
    if not (fields or members_changed or year_changed or appended):
        report.counts["households_unchanged"] += 1
        return None
    report.counts["households_update"] += 1
    report.changes.append(RowChange("update", plan.code, head, "", plan.first_row))
    report.changes += named
    return {
        "fields": fields,
        "members": members if members_changed else None,
        "year": year_changed,
        "append": [k for k in appended if wanted.get(k)],
    }


def _warn_exits(planned: dict[str, Planned], report: Report, headers: dict[str, str]) -> None:
    """An exit the national system approved is imported; where the file's own data fail the test, say so."""
    lines = dict(PovertyLine.objects.values_list("year", "amount"))
    checks = ["enough_food", "enough_clothing", "education_secured", "medical_secured", "housing_secured"]
    for plan in planned.values():
        exit_year = plan.history.get("exit_year")
        if not exit_year or plan.year != exit_year:
            continue
        amount = plan.year_fields["income_per_capita"]
        line = lines.get(exit_year)
        if line is not None and amount <= line:
            report.warn(
                plan.first_row,
                headers["income_per_capita"],
                amount,
                _(
                    "户 %(code)s 于 %(y)d 年脱贫，但人均纯收入未超过当年贫困线 %(line)s 元"
                    "（按国家系统已批准的脱贫导入）。"
                )
                % {"code": plan.code, "y": exit_year, "line": line},
            )
        failed = [headers[c] for c in checks if plan.year_fields.get(c) is False]
        if failed:
            report.warn(
                plan.first_row,
                "、".join(failed),
                "否",
                _("户 %(code)s 于 %(y)d 年脱贫，但这些保障未达标（按国家系统已批准的脱贫导入）。")
                % {"code": plan.code, "y": exit_year},
            )


# --- applying -------------------------------------------------------------------------------


def _event_reasons() -> dict[str, str]:
    """The reason recorded with each history column's status change (translated once per import)."""
    return {
        "identified_year": _("建档立卡"),
        "exit_year": _("导入：国家系统已批准脱贫"),
        "returned_year": _("导入：返贫"),
    }


def _history_events(
    plan: Planned, keys: list[str], reasons: dict[str, str], today: date
) -> list[tuple[str, date, str]]:
    events: list[tuple[str, date, str]] = []
    for key in keys:
        y = plan.household.get("identified_year") if key == "identified_year" else plan.history.get(key)
        if not y:
            continue
        on = year_event_date(y, today=today)
        if key == "identified_year":
            events.append((Status.IDENTIFIED, on, reasons[key]))
        elif key == "exit_year":
            events.append((plan.history["exit_type"], on, reasons[key]))
        else:
            events.append((Status.RETURNED, on, reasons[key]))
    return events


def _apply(creates: list[Planned], updates, *, user: User, batch: str, report: Report, headers: dict[str, str]) -> None:
    reasons, today = _event_reasons(), timezone.localdate()
    try:
        for start in range(0, len(creates), CHUNK):
            chunk = creates[start : start + CHUNK]
            households_register_bulk(
                user=user,
                entries=[
                    {
                        "data": plan.household,
                        "members": [m for _n, m in plan.members],
                        "history": _history_events(
                            plan, ["identified_year", "exit_year", "returned_year"], reasons, today
                        ),
                        "year": (plan.year, plan.year_fields) if plan.year is not None else None,
                    }
                    for plan in chunk
                ],
                batch=batch,
            )
    except ValidationError as e:
        rows = {p.code: p.first_row for p in creates}
        for code, messages in e.message_dict.items():
            for message in messages:
                report.error(rows.get(code), headers["household_code"], code, message)
        return
    except PermissionDenied as e:
        report.error(None, "", "", str(e))
        return
    for plan, read, change in updates:
        # A fresh instance: the planning one carries prefetched members that the services must not count.
        household = Household.objects.select_related("village").get(pk=read.pk)
        try:
            if change["fields"] or change["members"] is not None:
                household_update(
                    user=user,
                    household=household,
                    data=change["fields"],
                    version=read.version,
                    members=change["members"],
                    batch=batch,
                )
            if change["year"]:
                household_year_save(user=user, household=household, year=plan.year, data=plan.year_fields, batch=batch)
            for status, on, reason in _history_events(plan, change["append"], reasons, today):
                household_status_change(
                    user=user, household=household, status=status, on=on, reason=reason, batch=batch
                )
        except (ValidationError, PermissionDenied) as e:
            messages = e.messages if isinstance(e, ValidationError) else [str(e)]
            for message in messages:
                report.error(plan.first_row, headers["household_code"], plan.code, message)
