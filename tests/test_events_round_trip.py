"""The round trip of register.md on a tiny register: roster (with departed members) and events out, both back in.

Each situation is built through the services, exported, the register emptied, both files imported; every
figure of every year and every member's span must come back as they were.
"""

from datetime import date

import pytest
from django.utils import timezone

from households.events import event_rows, events_import
from households.exports import roster_csv, roster_download, roster_rows
from households.importers import households_import
from households.models import Household, Member, Status
from households.services import household_register, household_update
from villages.models import Division

from .conftest import change_status, make_id, member
from .test_events import all_figures, empty_register
from .test_import_households import HEADER, roster

CHENGGUAN = "623021100201"
XIJIE = "623021100202"


def spans() -> list[tuple]:
    """Every member's span and every household's summary, by household code and ID number."""
    members = Member.objects.order_by("household__code", "id_number", "joined_on").values_list(
        "household__code",
        "id_number",
        "name",
        "relation",
        "joined_on",
        "join_reason",
        "left_on",
        "leave_reason",
        "span_note",
        "household_closed",
    )
    households = Household.objects.order_by("code").values_list("code", "head_name", "member_count", "status")
    return [*members, *households]


def file_bytes(rows) -> bytes:
    return "".join(roster_csv(rows)).encode("utf-8")


def round_trip(user) -> None:
    """Export roster with departed members and events, empty the register, import both; the same register."""
    households = Household.objects.all()
    roster = "".join(roster_download(households, full_ids=True, with_departed=True)).encode("utf-8")
    # What the export view sends (from COPY on PostgreSQL) is byte for byte the reference rows' CSV.
    assert roster == file_bytes(roster_rows(households, full_ids=True, with_departed=True))
    events = file_bytes(event_rows(households, full_ids=True))
    figures, before = all_figures(), spans()
    # The same roster read back into the register it came from changes nothing.
    same = households_import(data=roster, file_name="roster.csv", user=user, dry_run=True)
    assert same.ok and not same.changed, (same.errors, same.counts)
    empty_register()
    assert not Household.objects.exists()
    imported = households_import(data=roster, file_name="roster.csv", user=user)
    assert imported.ok, imported.errors
    dated = events_import(data=events, file_name="events.csv", user=user)
    assert dated.ok, dated.errors
    assert spans() == before
    assert all_figures() == figures
    # Importing the events again changes nothing.
    again = events_import(data=events, file_name="events.csv", user=user)
    assert again.ok and not again.changed, again.counts


def family(user, code: str, village: str, people: list[dict], identified_on: date) -> Household:
    return household_register(
        user=user,
        data={
            "code": code,
            "village": Division.objects.get(code=village),
            "main_cause": 1,
            "attribute": 1,
            "identified_year": identified_on.year,
        },
        members=people,
        identified_on=identified_on,
    )


def rows_of(household: Household) -> list[dict]:
    """The household's members as household_update takes them (all of them, with their spans)."""
    fields = ["id", "name", "id_number", "relation", "joined_on", "join_reason", "left_on", "leave_reason", "span_note"]
    return list(household.members.order_by("id").values(*fields))


def update(user, household: Household, members: list[dict]) -> None:
    household.refresh_from_db()
    household_update(user=user, household=household, data={}, version=household.version, members=members)


@pytest.mark.django_db
def test_a_head_who_died_and_the_spouse_who_became_head_round_trip(lintan_clerk):
    h = family(
        lintan_clerk,
        "R001",
        CHENGGUAN,
        [
            member("R001户主", "head", born=date(1960, 3, 1)),
            member("R001配偶", "spouse", born=date(1962, 4, 1), male=False),
            member("R001子", "son", born=date(1990, 5, 1)),
        ],
        date(2014, 6, 1),
    )
    rows = {r["name"]: r for r in rows_of(h)}
    rows["R001户主"].update(left_on=date(2016, 5, 1), leave_reason="death", span_note="病故")
    rows["R001配偶"].update(relation="head")
    update(lintan_clerk, h, list(rows.values()))
    change_status(lintan_clerk, h, Status.EXITED_CONSOLIDATING, date(2017, 10, 20), reason="收入达标")
    h.refresh_from_db()
    assert (h.head_name, h.member_count) == ("R001配偶", 2)
    assert h.members.filter(relation="head").count() == 2  # the one who died stays in the file as head

    round_trip(lintan_clerk)


@pytest.mark.django_db
def test_a_person_who_moved_to_another_household_round_trips(lintan_clerk):
    a = family(
        lintan_clerk,
        "R002",
        CHENGGUAN,
        [member("R002户主", "head", born=date(1965, 1, 1)), member("R002子", "son", born=date(1992, 2, 1))],
        date(2014, 6, 1),
    )
    b = family(
        lintan_clerk,
        "R003",
        XIJIE,
        [member("R003户主", "head", born=date(1970, 1, 1), male=False)],
        date(2015, 3, 1),
    )
    rows = {r["name"]: r for r in rows_of(a)}
    son = rows["R002子"]
    son.update(left_on=date(2017, 3, 1), leave_reason="split", span_note="婚后分户")
    update(lintan_clerk, a, list(rows.values()))
    joined = {k: son[k] for k in ("name", "id_number")}
    update(
        lintan_clerk,
        b,
        [*rows_of(b), {**joined, "relation": "spouse", "joined_on": date(2017, 3, 1), "join_reason": "split"}],
    )
    change_status(lintan_clerk, a, Status.EXITED_STABLE, date(2016, 11, 1), reason="收入达标")
    assert Member.objects.filter(id_number=son["id_number"]).count() == 2

    round_trip(lintan_clerk)


@pytest.mark.django_db
def test_a_person_who_left_and_came_back_to_the_same_household_round_trips(lintan_clerk):
    h = family(
        lintan_clerk,
        "R006",
        CHENGGUAN,
        [member("R006户主", "head", born=date(1965, 1, 1)), member("R006子", "son", born=date(1992, 2, 1))],
        date(2014, 6, 1),
    )
    rows = {r["name"]: r for r in rows_of(h)}
    rows["R006子"].update(left_on=date(2016, 3, 1), leave_reason="moved_out", span_note="外出务工")
    update(lintan_clerk, h, list(rows.values()))
    back = {k: rows["R006子"][k] for k in ("name", "id_number", "relation")}
    update(lintan_clerk, h, [*rows_of(h), {**back, "joined_on": date(2018, 3, 1), "join_reason": "moved_in"}])
    assert h.members.filter(id_number=back["id_number"]).count() == 2

    round_trip(lintan_clerk)


@pytest.mark.django_db
def test_a_household_whose_only_member_died_and_that_dissolved_round_trips(lintan_clerk):
    h = family(lintan_clerk, "R004", CHENGGUAN, [member("R004户主", "head", born=date(1940, 1, 1))], date(2014, 6, 1))
    rows = rows_of(h)
    rows[0].update(left_on=date(2016, 2, 1), leave_reason="death")
    update(lintan_clerk, h, rows)
    change_status(lintan_clerk, h, Status.DISSOLVED, date(2016, 3, 1), reason="成员全部死亡")
    family(lintan_clerk, "R005", XIJIE, [member("R005户主", "head", born=date(1975, 1, 1))], date(2014, 6, 1))

    round_trip(lintan_clerk)


# --- what the roster with departed members still refuses ----------------------------------------------


def row(code: str, village: str, name: str, number: str, relation: str, left: str = "") -> list:
    return [code, village, name, number, relation, "一般贫困户", "因病", 2014, "", "", "", "", left]


def refusals(user, *rows) -> list[tuple]:
    report = households_import(data=roster(*rows, header=[*HEADER, "离开原因"]), file_name="r.csv", user=user)
    assert not Household.objects.exists()
    return [(p.row, p.column, p.reason) for p in report.errors]


@pytest.mark.django_db
def test_a_departed_head_does_not_count_but_two_present_heads_or_none_are_refused(lintan_clerk):
    head, spouse, son = make_id(), make_id(male=False), make_id(born=date(2005, 1, 1))
    two = refusals(
        lintan_clerk,
        row("D001", CHENGGUAN, "甲", head, "户主", "死亡"),
        row("D001", CHENGGUAN, "乙", spouse, "户主"),
        row("D001", CHENGGUAN, "丙", son, "户主"),
    )
    assert two == [(4, "与户主关系", "每户必须有且只有一位户主，户 D001 现在有 2 位。")]
    none = refusals(
        lintan_clerk, row("D001", CHENGGUAN, "甲", head, "户主", "死亡"), row("D001", CHENGGUAN, "乙", spouse, "配偶")
    )
    assert none == [(2, "与户主关系", "每户必须有且只有一位户主，户 D001 现在有 0 位。")]
    report = households_import(
        data=roster(
            row("D001", CHENGGUAN, "甲", head, "户主", "死亡 病故"),
            row("D001", CHENGGUAN, "乙", spouse, "户主"),
            header=[*HEADER, "离开原因"],
        ),
        file_name="r.csv",
        user=lintan_clerk,
    )
    assert report.errors and "离开原因" in report.errors[0].column  # a code only, its free text goes in the events


@pytest.mark.django_db
def test_one_person_is_present_in_one_household_at_a_time(lintan_clerk):
    head, other, moved = make_id(), make_id(), make_id(born=date(1992, 1, 1))
    assert refusals(
        lintan_clerk,
        row("D002", CHENGGUAN, "甲", head, "户主"),
        row("D002", CHENGGUAN, "乙", moved, "子"),
        row("D003", XIJIE, "丙", other, "户主"),
        row("D003", XIJIE, "乙", moved, "配偶"),
    ) == [(5, "证件号码", "与第 3 行的证件号码重复：一人只能属于一户。")]
    assert refusals(
        lintan_clerk,
        row("D002", CHENGGUAN, "甲", head, "户主"),
        row("D002", CHENGGUAN, "乙", moved, "子", "迁出"),
        row("D002", CHENGGUAN, "乙", moved, "子"),
        row("D002", CHENGGUAN, "乙", moved, "子"),
    ) == [(5, "证件号码", "与第 4 行的证件号码重复：一人只能属于一户。")]
    # Who left one household may be present in another, in the file or already on the register.
    report = households_import(
        data=roster(
            row("D002", CHENGGUAN, "甲", head, "户主"),
            row("D002", CHENGGUAN, "乙", moved, "子", "分户"),
            header=[*HEADER, "离开原因"],
        ),
        file_name="r.csv",
        user=lintan_clerk,
    )
    assert report.ok, report.errors
    family(
        lintan_clerk,
        "D003",
        XIJIE,
        [member("丙", "head"), {"name": "乙", "id_number": moved, "relation": "spouse"}],
        date(2017, 3, 1),
    )
    gone = Member.objects.get(household__code="D002", id_number=moved)
    assert (gone.left_on, gone.leave_reason) == (timezone.localdate(), "split")  # until the events date it
    household = Household.objects.get(code="D002")
    assert (household.head_name, household.member_count) == ("甲", 1)


@pytest.mark.django_db
def test_reimporting_the_roster_keeps_the_spans_it_does_not_carry(lintan_clerk):
    h = family(lintan_clerk, "R007", CHENGGUAN, [member("R007户主", "head")], date(2014, 6, 1))
    wife = {**member("R007配偶", "spouse", male=False), "joined_on": date(2016, 1, 1), "join_reason": "marriage_in"}
    update(lintan_clerk, h, [*rows_of(h), {**wife, "span_note": "婚入本户"}])
    data = file_bytes(roster_rows(Household.objects.all(), full_ids=True))
    report = households_import(data=data, file_name="r.csv", user=lintan_clerk)
    assert report.ok and not report.changed, report.counts
    joined = Member.objects.get(name="R007配偶")
    assert (joined.joined_on, joined.join_reason, joined.span_note) == (date(2016, 1, 1), "marriage_in", "婚入本户")
