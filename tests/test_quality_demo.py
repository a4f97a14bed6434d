"""The demo's 疑点: its clean households raise none, and a small uneven share carries the planted ones."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef, Q

from audit.models import AuditEntry
from demo.context import BATCH
from households.models import Household
from quality.models import Issue
from quality.rules import OFF_REGISTER

from .conftest import built_once_per_module

demo_built = built_once_per_module(lambda: call_command("seed_demo", scale=0.02, stdout=StringIO()))


@pytest.fixture
def demo(demo_built, db):
    """The demo at scale 0.02, seeded once for the module; each test's writes are rolled back before the next."""


def planted() -> set[tuple[str, str]]:
    entry = AuditEntry.objects.get(object_type=BATCH)
    return {(code, rule) for rule, codes in entry.changes["quality_planted"][1].items() for code in codes}


def test_the_demo_raises_exactly_the_planted_issues(demo):
    found = set(Issue.objects.filter(closed_on__isnull=True).values_list("household__code", "rule"))
    assert found == planted()


def test_two_to_five_percent_of_households_carry_issues_spread_unevenly(demo):
    households = Household.objects.exclude(status__in=OFF_REGISTER)
    flagged = households.filter(Exists(Issue.objects.filter(household=OuterRef("pk"), closed_on__isnull=True)))
    assert 0.02 <= flagged.count() / households.count() <= 0.05
    shares = [
        row["flagged"] / row["n"]
        for row in households.values("village")
        .annotate(n=Count("pk"), flagged=Count("pk", filter=Q(pk__in=flagged.values("pk"))))
        .order_by()
        if row["n"] >= 5
    ]
    assert min(shares) == 0 and max(shares) >= 0.1  # some villages clean, some with a tenth or more


def test_check_quality_finds_the_same_and_changes_nothing(demo):
    before = set(Issue.objects.values_list("pk", "closed_on"))
    out = StringIO()
    call_command("check_quality", stdout=out)
    assert "0 new, 0 closed" in out.getvalue()
    assert set(Issue.objects.values_list("pk", "closed_on")) == before
