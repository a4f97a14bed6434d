"""The one bulk writer (gannan.lib.bulk) stores what the ORM would, on SQLite and on PostgreSQL."""

from datetime import date

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from gannan.lib.bulk import bulk_insert
from households.models import Status, StatusChange

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
