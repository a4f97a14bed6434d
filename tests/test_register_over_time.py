"""The register as a dated ledger (register.md): populations from member spans, natural change, the flow identity."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from households.models import Household, Member, Status
from metrics import compute
from metrics.rollups import rebuild
from metrics.selectors import metrics_summary, region_figures
from villages.models import Division, Level

from .conftest import change_status, register


@pytest.mark.django_db
def test_the_flow_identity_holds_for_every_region_and_year_of_the_demo():
    call_command("seed_demo", scale=0.1, stdout=io.StringIO())
    parents = Division.objects.filter(level__in=[Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]).order_by("code")
    checked = 0
    for parent in parents:
        figures = region_figures(division=parent, first=2011, last=2020, with_children=True, split=False)
        gaps = compute.flow_identity_gaps(figures.table)
        assert (gaps == 0).all(), gaps[gaps != 0]
        checked += len(gaps)
    assert checked >= 9 * (8 + 102 + 300)  # every county, township and village (of the demo at this scale), 2012-2020
    total = region_figures(division=Division.objects.get(code="623000"), first=2011, last=2020, with_children=False)
    table = total.table.xs("", level="child")
    assert table.loc[2011, "poor_population"] == 28_390 and table.loc[2015, "poor_population"] == 7_930
    assert table.loc[2015, "exited_stable_population"] == 4_880
    assert table.loc[2015, "exited_consolidating_population"] == 1_550
    assert table.loc[2020, "poor_population"] == 0
    assert (table.loc[2012:2020, "natural_change_population"] != 0).any()
    assert table["dissolved_households"].sum() > 0
    # One year read as conditional sums agrees with the spans.
    for year in (2011, 2015, 2018):
        one = metrics_summary(division=total.division, year=year)
        assert {k: one[k] for k in compute.FLOW_KEYS + ["poor_population", "registered_population"]} == {
            k: int(table.loc[year, k]) for k in compute.FLOW_KEYS + ["poor_population", "registered_population"]
        }


CHENGGUAN = "623021100201"


def summary(year: int) -> dict:
    return metrics_summary(division=Division.objects.get(code="623021"), year=year)


def test_a_child_born_later_counts_from_birth_and_not_in_earlier_years(db, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "S001", size=2, identified_on=date(2014, 6, 1))
    baby = h.members.order_by("id").last()
    Member.objects.filter(pk=baby.pk).update(
        birth_date=date(2016, 3, 1), joined_on=date(2016, 3, 1), join_reason="birth"
    )
    rebuild()  # written past the services (no form moves a birth date): rebuilt as `rebuild_rollups` would
    assert summary(2015)["poor_population"] == 1
    after = summary(2016)
    assert after["poor_population"] == 2 and after["natural_change_population"] == 1


def test_a_member_who_left_still_counts_in_the_years_before(db, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "S002", size=3, identified_on=date(2014, 6, 1))
    Member.objects.filter(pk=h.members.order_by("id").last().pk).update(left_on=date(2016, 5, 1), leave_reason="death")
    rebuild()  # written past the services: rebuilt as `rebuild_rollups` would
    assert summary(2015)["poor_population"] == 3
    assert summary(2016)["poor_population"] == 2 and summary(2016)["natural_change_population"] == -1


def test_a_dissolved_household_is_not_removed_and_has_its_own_figure(db, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "S003", size=1, identified_on=date(2014, 6, 1))
    Member.objects.filter(household=h).update(left_on=date(2016, 2, 1), leave_reason="death")
    change_status(lintan_clerk, h, Status.DISSOLVED, date(2016, 3, 1), reason="成员去世")
    year = summary(2016)
    assert year["dissolved_households"] == 1 and year["removed_households"] == 0
    assert year["dissolved_population"] == 0  # nobody was left on the day
    assert year["natural_change_population"] == -1 and year["poor_population"] == 0
    assert Household.objects.get(pk=h.pk).status == Status.DISSOLVED


def test_dissolving_needs_a_reason(db, lintan_clerk):
    from django.core.exceptions import ValidationError

    h = register(lintan_clerk, CHENGGUAN, "S004", size=1, identified_on=date(2014, 6, 1))
    with pytest.raises(ValidationError, match="自然减少必须填写原因"):
        change_status(lintan_clerk, h, Status.DISSOLVED, date(2016, 3, 1))
    assert h.status_changes.count() == 1


# --- one person, one household, in the database -----------------------------------------------


def test_the_database_refuses_a_second_present_membership(db, lintan_clerk):
    from django.db import IntegrityError, transaction

    h = register(lintan_clerk, CHENGGUAN, "S010", size=1)
    other = register(lintan_clerk, CHENGGUAN, "S011", size=1)
    number = h.members.get().id_number
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(household=other).update(id_number=number)
    # Once they left (or their household left the register) the same person may be registered elsewhere.
    Member.objects.filter(household=h).update(left_on=date(2016, 1, 1), leave_reason="moved_out")
    Member.objects.filter(household=other).update(id_number=number)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_the_same_person_at_once_one_is_refused_with_the_message():
    from tests.conftest import load_reference_data

    load_reference_data()  # an earlier transactional test may have emptied the divisions
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    from accounts.models import Role
    from households.services import households as services  # the module whose members_check registration calls

    from .conftest import make_user, member

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no two registrations can run at once")
    clerk = make_user("race_clerk", Role.CLERK, "623021")
    person = member("同一人")
    barrier, local = threading.Barrier(2, timeout=30), threading.local()
    check = services.members_check

    def both_checked_first(**kwargs):
        check(**kwargs)
        if not getattr(local, "waited", False):  # both pass the check before either writes
            local.waited = True
            barrier.wait()

    results: dict[str, str] = {}

    def clerk_registers(code: str) -> None:
        try:
            register_with(clerk, code, person)
            results[code] = "ok"
        except ValidationError as e:
            results[code] = " ".join(e.messages)
        finally:
            connections.close_all()

    def register_with(user, code, one):
        services.household_register(
            user=user,
            data={
                "code": code,
                "village": Division.objects.get(code=CHENGGUAN),
                "main_cause": 1,
                "attribute": 1,
                "identified_year": 2014,
            },
            members=[dict(one)],
        )

    original = services.members_check
    services.members_check = both_checked_first
    try:
        threads = [threading.Thread(target=clerk_registers, args=(code,)) for code in ("R001", "R002")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        services.members_check = original
    assert sorted(results.values())[0] == "ok"
    refused = sorted(results.values())[1]
    assert "一人只能属于一户" in refused and person["id_number"] in refused
    assert Member.objects.filter(id_number=person["id_number"]).count() == 1
    assert Household.objects.filter(code__in=["R001", "R002"]).count() == 1


# --- year-aware lists ------------------------------------------------------------------------


def test_the_household_list_of_a_year_shows_status_and_people_then(client, lintan_official, metrics_cast):
    from django.urls import reverse

    Member.objects.filter(pk=metrics_cast["A"].members.order_by("id").last().pk).update(
        left_on=date(2016, 1, 5), leave_reason="death"
    )
    client.force_login(lintan_official)
    now = client.get(reverse("households:list"), {"status": "identified"}).content.decode()
    assert ">A<" not in now  # A exited in 2015
    then = client.get(reverse("households:list"), {"status": "identified", "year": 2014}).content.decode()
    assert ">A<" in then and ">B<" in then and "2014年末状态" in then
    assert (
        "共 <strong>4</strong> 户、<strong>10</strong> 人" in then
    )  # A 4, B 3, C 2, E 1 (D came in 2015, F is in 卓尼)
    exited = client.get(reverse("households:list"), {"status": "exited_stable", "year": 2015}).content.decode()
    assert ">A<" in exited and "<strong>4</strong> 人" in exited  # the member who died in 2016 still counts in 2015


def test_the_api_lists_households_as_at_a_year(lintan_official, metrics_cast):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(lintan_official)
    body = api.get("/api/households/", {"year": 2015, "status": "exited_consolidating"}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["code"], r["status_then"], r["status"]) for r in rows] == [
        ("B", "exited_consolidating", "exited_stable")
    ]
    assert rows[0]["people_then"] == 3
    assert api.get("/api/households/", {"year": 2013}).json()["count"] == 0


def test_the_village_page_of_a_year_shows_each_households_status_then(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    page = client.get("/region/623021101201/?year=2015").content.decode()
    assert "D户主" in page and "E户主" in page
    assert "清退" not in page.split("D户主")[1]  # E was removed only in 2018
    later = client.get("/region/623021101201/?year=2018").content.decode()
    assert "清退" in later.split("E户主")[1][:400]


# --- closing a year ---------------------------------------------------------------------------


def test_closing_a_year_keeps_its_reported_figures_and_refuses_clerks_changes_dated_in_it(
    client, admin, lintan_clerk, metrics_cast
):
    from django.core.exceptions import ValidationError
    from rest_framework.test import APIClient

    from metrics.closing import year_close

    year_close(user=admin, year=2015)
    h = metrics_cast["D"]
    before = h.status_changes.count()
    with pytest.raises(ValidationError, match="2015 年度数据已锁定上报"):
        change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2015, 12, 1))
    assert h.status_changes.count() == before
    # A member's departure dated in the closed year, through the form's service: refused as well.
    from households.services import household_update

    members = [
        {
            "id": m.pk,
            "name": m.name,
            "id_number": m.id_number,
            "relation": m.relation,
            **({"left_on": date(2015, 6, 1), "leave_reason": "death"} if i == 1 else {}),
        }
        for i, m in enumerate(h.members.order_by("id"))
    ]
    h.refresh_from_db()
    with pytest.raises(ValidationError, match="2015 年度数据已锁定上报"):
        household_update(user=lintan_clerk, household=h, data={}, version=h.version, members=members)
    assert not h.members.filter(left_on__isnull=False).exists()
    # Today's changes go through.
    change_status(lintan_clerk, h, Status.EXITED_STABLE, timezone.localdate())

    # An admin enters the 2015 departure as a correction, with a reason.
    h.refresh_from_db()
    with pytest.raises(ValidationError, match="只能作为更正录入"):
        household_update(user=admin, household=h, data={}, version=h.version, members=members)
    household_update(user=admin, household=h, data={}, version=h.version, members=members, correction="漏报死亡")
    api = APIClient()
    api.force_authenticate(admin)
    as_reported = api.get("/api/metrics/summary/", {"region": "623021", "year": 2015}).json()
    current = api.get("/api/metrics/summary/", {"region": "623021", "year": 2015, "basis": "current"}).json()
    assert as_reported["closed_at"] and as_reported["poor_population"] == 6  # D 5 + E 1, as reported
    assert current["poor_population"] == 5 and current["closed_at"] == as_reported["closed_at"]
    assert api.get("/api/metrics/summary/", {"region": "623021", "year": 2016}).json().get("closed_at") is None
    client.force_login(admin)
    page = client.get("/region/623021/?year=2015").content.decode()
    assert "锁定上报" in page and "现登记簿的数据与上报数不同" in page and "漏报死亡" in page


def test_closing_and_reopening_are_admin_actions_audited_and_checks_can_refuse_a_close(
    client, admin, lintan_clerk, metrics_cast, settings
):
    from audit.models import AuditEntry
    from metrics.models import ClosedYear

    client.force_login(lintan_clerk)
    assert client.post("/years/", {"year": 2015}).status_code == 403
    settings.YEAR_CLOSE_CHECKS = ["tests.test_register_over_time.one_problem"]
    client.force_login(admin)
    page = client.post("/years/", {"year": 2015}, follow=True).content.decode()
    assert "2015 年度暂不能锁定" in page and "还有 1 户信息不完整" in page
    assert not ClosedYear.objects.filter(closed_at__isnull=False).exists()
    settings.YEAR_CLOSE_CHECKS = []
    client.post("/years/", {"year": 2015})
    assert ClosedYear.objects.get(year=2015).closed_at is not None
    refused = client.post("/years/", {"year": 2015, "action": "reopen", "reason": ""}, follow=True).content.decode()
    assert "解除锁定必须填写原因" in refused
    client.post("/years/", {"year": 2015, "action": "reopen", "reason": "州里要求重报"})
    assert ClosedYear.objects.get(year=2015).closed_at is None
    assert AuditEntry.objects.filter(action="close_year").count() == 1
    assert "州里要求重报" in AuditEntry.objects.get(action="reopen_year").summary
    change_status(lintan_clerk, metrics_cast["D"], Status.EXITED_STABLE, date(2015, 12, 1))


def one_problem(*, year: int) -> list[str]:
    return ["还有 1 户信息不完整"]


def test_manage_py_close_year(admin, metrics_cast):
    from metrics.models import ReportedFigures

    out = io.StringIO()
    call_command("close_year", "2015", "--user", admin.username, stdout=out)
    assert "2015 closed" in out.getvalue()
    reported = ReportedFigures.objects.get(closed_year__year=2015, division_id="623021")
    assert reported.figures["poor_population"] == 6


# --- editing today never rewrites the past -------------------------------------------------------


def past_figures() -> dict:
    figures = region_figures(
        division=Division.objects.get(code="623000"),
        first=2011,
        last=timezone.localdate().year - 1,
        with_children=True,
        split=False,
    )
    table = figures.table[compute.SCALAR_KEYS]
    return table.astype(object).where(table.notna(), None).to_dict()  # NaN (no denominator) compares equal


EDITS = ["status", "leave", "join", "phone"]


def test_random_today_dated_edits_never_change_a_past_year(admin, metrics_cast):
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from households.services import TRANSITIONS, household_status_change, household_update

    from .conftest import make_id

    before = past_figures()
    codes = sorted(metrics_cast)

    class Rollback(Exception):
        pass

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(st.tuples(st.sampled_from(EDITS), st.sampled_from(codes), st.integers(0, 10)), min_size=1, max_size=6)
    )
    def apply(edits):
        try:
            with transaction.atomic():
                for kind, code, pick in edits:
                    h = Household.objects.select_related("village").get(code=code)
                    today = timezone.localdate()
                    if kind == "status":
                        allowed = sorted(TRANSITIONS.get(h.status or None, set()))
                        last = h.status_changes.order_by("-date").first()
                        if not allowed or (last and last.date > today):
                            continue
                        household_status_change(
                            user=admin, household=h, status=allowed[pick % len(allowed)], on=today, reason="今日核查"
                        )
                        continue
                    rows = [
                        {
                            "id": m.pk,
                            "name": m.name,
                            "id_number": m.id_number,
                            "relation": m.relation,
                            "joined_on": m.joined_on,
                            "left_on": m.left_on,
                            "leave_reason": m.leave_reason,
                        }
                        for m in h.members.order_by("id")
                    ]
                    data = {}
                    if kind == "leave":
                        present = [r for r in rows if not r["left_on"] and r["relation"] != "head"]
                        if not present:
                            continue
                        present[pick % len(present)].update(left_on=today, leave_reason="moved_out")
                    elif kind == "join":
                        rows.append(
                            {
                                "name": f"新成员{pick}",
                                "relation": "other",
                                "joined_on": today,
                                "join_reason": "moved_in",
                                "id_number": make_id(born=date(1990, 1, 1 + pick), male=pick % 2 == 0),
                            }
                        )
                    else:
                        data = {"phone": f"1380000{pick:04d}"}
                    household_update(user=admin, household=h, data=data, version=h.version, members=rows)
                assert past_figures() == before
                raise Rollback
        except Rollback:
            pass

    apply()
