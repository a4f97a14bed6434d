"""Worklists by role, the notice page with masked IDs, the pipeline per region; queries do not grow with cases."""

from datetime import timedelta

import pytest
from django.urls import reverse

from procedures.models import Kind, StepCode
from procedures.selectors import notice_rows
from procedures.services import case_open

from .conftest import register
from .procedures_cast import TODAY, day, exit_case_to, exit_ready_household, procedure_users, take


@pytest.fixture
def users(db):
    return procedure_users()


def returns_in_notice(users, n: int, start: int = 0):
    """`n` return cases of 城关村 posted for notice today-3 (so still in notice)."""
    from households.models import Status

    from .conftest import change_status

    cases = []
    for i in range(start, start + n):
        h = register(users["clerk"], "623021100201", f"R{i:03d}", identified_on=day(-10))
        change_status(users["admin"], h, Status.EXITED_STABLE, day(0))
        h.refresh_from_db()
        case = case_open(user=users["clerk"], household=h, kind=Kind.RETURN, on=day(1), reason_code="illness")
        take(users["clerk"], case, StepCode.ASSESS, day(2))
        take(users["clerk"], case, StepCode.NOTICE, TODAY - timedelta(days=3))
        cases.append(case)
    return cases


def test_each_role_sees_what_waits_for_it(client, users):
    household = exit_ready_household(users["clerk"])
    waiting_township = exit_case_to(users, household, StepCode.NOTICE)
    in_notice = returns_in_notice(users, 1)[0]
    url = reverse("procedures:worklists")
    pages = {}
    for who in ("clerk", "reviewer", "sibling_reviewer", "approver", "official"):
        client.force_login(users[who])
        response = client.get(url)
        pages[who] = {name: [c.pk for c in response.context[name]] for name in ("waiting", "in_notice", "overdue")}
    assert pages["reviewer"]["waiting"] == [waiting_township.pk]  # the notice ended; the one in notice waits
    assert pages["sibling_reviewer"] == {"waiting": [], "in_notice": [], "overdue": []}
    assert pages["approver"]["waiting"] == []
    assert pages["clerk"]["waiting"] == []
    assert pages["official"]["waiting"] == [] and pages["official"]["in_notice"] == [in_notice.pk]
    take(users["reviewer"], waiting_township, StepCode.TOWNSHIP, day(12))
    client.force_login(users["approver"])
    assert [c.pk for c in client.get(url).context["waiting"]] == [waiting_township.pk]


def test_a_case_waiting_too_long_is_overdue(client, users):
    household = exit_ready_household(users["clerk"])
    case = exit_case_to(users, household, StepCode.NOTICE)  # notice ended day(10), 30 days ago
    client.force_login(users["official"])
    response = client.get(reverse("procedures:worklists"))
    assert [c.pk for c in response.context["overdue"]] == [case.pk]


def test_the_notice_lists_households_reasons_and_masked_ids(client, users):
    case = returns_in_notice(users, 1)[0]
    head = case.household.members.get(relation="head")
    client.force_login(users["official"])
    page = client.get(reverse("procedures:notice", args=["623021100201", "return"])).content.decode()
    assert head.id_number not in page
    assert head.id_number[:6] + "********" + head.id_number[-4:] in page
    assert "因病" in page and case.household.code in page
    rows = notice_rows(user=users["official"], village=case.village, kind=Kind.RETURN)
    assert [r["household_code"] for r in rows] == [case.household.code]
    client.force_login(users["foreign_clerk"])
    assert client.get(reverse("procedures:notice", args=["623021100201", "return"])).status_code == 404


def test_the_pipeline_counts_cases_at_each_step_per_region(client, users):
    returns_in_notice(users, 2)
    client.force_login(users["official"])
    pipeline = client.get(reverse("procedures:worklists")).context["pipeline"]
    row = next(r for r in pipeline["rows"] if r["code"] == "623021100")
    assert row["total"] == 2
    assert row["cells"][list(StepCode.values).index(StepCode.TOWNSHIP)] == 2


# Session, user, the user's division, three worklists (an official waits for nothing: no query), the
# pipeline's counts and names.
QUERIES = {"official": 7, "reviewer": 8, "clerk": 8}


@pytest.mark.parametrize("who", ["official", "reviewer", "clerk"])
def test_the_worklists_ask_the_same_number_of_queries_for_2_and_6_cases(client, users, django_assert_num_queries, who):
    client.force_login(users[who])
    url = reverse("procedures:worklists")
    returns_in_notice(users, 2)
    client.get(url)  # the session and the user are cached from here on
    with django_assert_num_queries(QUERIES[who]):
        response = client.get(url)
    assert len(response.context["in_notice"]) == 2
    returns_in_notice(users, 4, start=10)
    with django_assert_num_queries(QUERIES[who]):
        response = client.get(url)
    assert len(response.context["in_notice"]) == 6


def test_the_dashboard_shows_the_cases_at_each_step(client, users):
    returns_in_notice(users, 3)
    client.force_login(users["official"])
    response = client.get("/region/623021/")
    row = next(r for r in response.context["pipeline"]["rows"] if r["code"] == "623021100")
    assert row["total"] == 3
    assert 'id="pipeline"' in response.content.decode()


def test_a_case_in_notice_reads_as_in_notice_with_the_step_after_it(client, users):
    in_notice = returns_in_notice(users, 1)[0]
    client.force_login(users["official"])
    page = client.get(reverse("procedures:worklists")).content.decode()
    row = page[page.index(in_notice.household.code) :]
    row = row[: row.index("</tr>")]
    assert "公示中" in row and "（之后：乡镇审核）" in row
