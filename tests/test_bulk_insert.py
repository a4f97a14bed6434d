"""The one bulk writer (gannan.lib.bulk) stores what the ORM would, on SQLite and on PostgreSQL."""

from datetime import date

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from gannan.lib.bulk import bulk_insert, insert_select, reserve_ids
from households.models import Status, StatusChange
from villages.models import Division

from .conftest import register


@pytest.mark.django_db
def test_text_with_tabs_newlines_and_backslashes_json_and_defaults_come_back_as_written():
    before = timezone.now()
    awkward = "第一行\t制表符\n第二行\\反斜杠\r"
    bulk_insert(
        AuditEntry,
        ["action", "object_type", "summary", "changes"],
        [
            ("create", "household", awkward, {"members": [None, ["扎西", 2]]}),
            ("update", "member", "plain", {}),
        ],
    )
    first, second = AuditEntry.objects.order_by("id")
    assert first.summary == awkward and first.changes == {"members": [None, ["扎西", 2]]}
    assert second.summary == "plain" and second.changes == {}
    assert first.batch == "" and first.user_id is None  # absent fields take their defaults
    assert first.at >= before.replace(microsecond=0)  # auto_now_add: the time now


@pytest.mark.django_db
def test_dates_go_in_as_dates_or_as_their_iso_text(lintan_clerk):
    household = register(lintan_clerk, "623021100201", "6230211002010001")
    bulk_insert(
        StatusChange,
        ["household_id", "village_id", "status", "date", "ended_on", "previous_status", "sequence"],
        [
            (household.pk, household.village_id, Status.EXITED_STABLE, date(2016, 10, 1), None, Status.IDENTIFIED, 1),
            (household.pk, household.village_id, Status.RETURNED, "2018-03-02", None, Status.EXITED_STABLE, 2),
        ],
    )
    assert list(
        StatusChange.objects.filter(household=household, sequence__gt=0)
        .order_by("sequence")
        .values_list("date", flat=True)
    ) == [date(2016, 10, 1), date(2018, 3, 2)]


@pytest.mark.django_db
def test_a_column_of_text_and_nulls_integers_and_booleans_comes_back_as_written(lintan_clerk):
    household = register(lintan_clerk, "623021100201", "6230211002010001")
    bulk_insert(
        StatusChange,
        ["household_id", "village_id", "status", "date", "reason", "ended_on", "previous_status", "sequence"],
        [
            (
                household.pk,
                household.village_id,
                Status.EXITED_STABLE,
                "2016-10-01",
                "验收\t达标",
                "2018-03-02",
                Status.IDENTIFIED,
                1,
            ),
            (
                household.pk,
                household.village_id,
                Status.RETURNED,
                date(2018, 3, 2),
                "因病返贫",
                None,
                Status.EXITED_STABLE,
                2,
            ),
        ],
    )
    rows = StatusChange.objects.filter(household=household, sequence__gt=0).order_by("sequence")
    assert list(rows.values_list("reason", "ended_on", "sequence")) == [
        ("验收\t达标", date(2018, 3, 2), 1),
        ("因病返贫", None, 2),
    ]


@pytest.mark.django_db
def test_reserved_ids_are_the_rows_ids_and_the_next_row_the_database_numbers_comes_after_them():
    ids = reserve_ids(AuditEntry, 3)
    assert len(set(ids)) == 3
    bulk_insert(AuditEntry, ["id", "action", "object_type"], [(pk, "create", "household") for pk in ids])
    later = AuditEntry.objects.create(action="update", object_type="household")
    assert sorted(AuditEntry.objects.filter(action="create").values_list("id", flat=True)) == ids
    assert later.pk > max(ids)
    assert reserve_ids(AuditEntry, 0) == []


@pytest.mark.django_db
def test_insert_select_writes_one_row_per_selected_row_in_its_order_with_the_defaults():
    before = timezone.now()
    written = insert_select(
        AuditEntry,
        {"action": "%s", "object_type": "'division'", "object_id": "d.code", "summary": "d.name"},
        "villages_division d WHERE d.level = %s ORDER BY d.code DESC",
        ["create", "county"],
    )
    counties = list(Division.objects.filter(level="county").order_by("-code").values_list("code", "name"))
    assert written == len(counties) > 1
    entries = AuditEntry.objects.filter(object_type="division").order_by("id")
    assert list(entries.values_list("object_id", "summary")) == counties
    first = entries[0]
    assert first.changes == {} and first.batch == "" and first.user_id is None
    assert first.at >= before.replace(microsecond=0)


@pytest.mark.django_db
def test_money_json_with_escapes_and_a_column_of_nulls_come_back_as_written(lintan_clerk):
    from decimal import Decimal

    from households.models import HouseholdYear

    household = register(lintan_clerk, "623021100201", "6230211002010001")
    other = register(lintan_clerk, "623021100201", "6230211002010002")
    bulk_insert(
        HouseholdYear,
        ["household_id", "village_id", "year", "income_per_capita", "income_wages"],
        [
            (household.pk, household.village_id, 2014, Decimal("2300.50"), 0),  # a whole amount as an int
            (other.pk, other.village_id, 2014, Decimal("4100"), Decimal("1200.25")),
        ],
    )
    rows = HouseholdYear.objects.filter(year=2014).order_by("household_id")
    assert list(rows.values_list("income_per_capita", "income_wages")) == [
        (Decimal("2300.50"), Decimal("0.00")),
        (Decimal("4100.00"), Decimal("1200.25")),
    ]
    # A JSON column whose text has escapes (a line break, a tab, a backslash in a value), and a column of nulls.
    changes = [{"reason": ["", "第一行\n第二行\t制表\\"]}, {"members": [None, [{"name": "扎西"}]]}]
    bulk_insert(
        AuditEntry,
        ["action", "object_type", "changes", "user_id"],
        [("a", "x", changes[0], None), ("b", "x", changes[1], None)],
    )
    stored = AuditEntry.objects.filter(object_type="x").order_by("action")
    assert [e.changes for e in stored] == changes
    assert [e.user_id for e in stored] == [None, None]
    # A column of choices (str and int subclasses) mixed with plain values.
    bulk_insert(
        StatusChange,
        ["household_id", "village_id", "status", "date", "previous_status", "sequence"],
        [
            (household.pk, household.village_id, Status.EXITED_STABLE, date(2016, 10, 1), "identified", 1),
            (household.pk, household.village_id, "returned", date(2018, 3, 2), Status.EXITED_STABLE, 2),
        ],
    )
    later = StatusChange.objects.filter(household=household, sequence__gt=0).order_by("sequence")
    assert list(later.values_list("status", "previous_status")) == [
        ("exited_stable", "identified"),
        ("returned", "exited_stable"),
    ]
