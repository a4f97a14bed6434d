"""What users see of the 疑点: the clerk's worklist, the official's quality page, CSV, the catalogue, the API."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Household, Member
from quality.models import Issue
from quality.selectors import open_errors_count
from quality.services import quality_run

from .quality_cast import cast_once_per_module


def three_defects(c):
    """P1 因学 with no student (error) and no cadre (warning), Z1 (卓尼) no cadre; then a 疑点 run."""
    Household.objects.filter(pk=c["P1"].pk).update(main_cause=3, cadre_name="")
    Member.objects.filter(household=c["P1"], relation="son").delete()
    Household.objects.filter(pk=c["Z1"].pk).update(cadre_name="")
    quality_run(trigger="command")


built_cast, cast, lintan_clerk, zhuoni_clerk = cast_once_per_module(three_defects)


def login(client, user):
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_worklist_lists_errors_first_with_a_link_to_the_form_that_fixes_them(client, lintan_clerk, cast):
    html = login(client, lintan_clerk).get("/quality/worklist/").content.decode()
    assert html.index("CA03") < html.index("RG02")
    assert f"/households/{cast['P1'].pk}/edit/" in html
    assert "<td>P1</td>" in html and "<td>Z1</td>" not in html  # 卓尼 is not the clerk's


def test_the_worklist_counts_per_rule_and_filters_by_one(client, lintan_clerk, cast):
    html = login(client, lintan_clerk).get("/quality/worklist/", {"rule": "RG02"}).content.decode()
    assert "<code>CA03</code> 1" in html and "<code>RG02</code> 1" in html
    assert "因学" not in html.split("<tbody>")[1]


def test_an_official_sees_the_worklist_with_links_to_the_household_page_only(client, lintan_official, cast):
    html = login(client, lintan_official).get("/quality/worklist/").content.decode()
    assert f'/households/{cast["P1"].pk}/"' in html and "/edit/" not in html


def test_a_foreign_region_answers_404(client, zhuoni_clerk, cast):
    c = login(client, zhuoni_clerk)
    assert c.get("/quality/worklist/", {"region": "623021"}).status_code == 404
    assert c.get("/quality/region/623021/").status_code == 404
    assert c.get("/quality/region/623021/csv/villages/").status_code == 404


def test_the_quality_page_shows_the_score_and_drills_down(client, lintan_official, cast):
    html = login(client, lintan_official).get("/quality/region/623021/").content.decode()
    # 临潭: five households (P1, P2, P3, X15, X14), one with an open error: 80% clean.
    assert 'data-kpi="quality.score" data-raw="80.0">80.0%' in html
    assert 'href="/quality/region/623021100/"' in html  # 城关镇, one level down


def test_the_village_csv_ranks_villages_worst_first(client, lintan_official, cast):
    response = login(client, lintan_official).get("/quality/region/623021/csv/villages/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["区划代码", "村", "户数", "有错误的户"]
    assert rows[1][:5] == ["623021100201", "城关村", "3", "1", "66.7"]
    assert [r[0] for r in rows[2:]] == ["623021100202", "623021101201"]


def test_the_clerk_score_is_read_from_the_audit_trail(client, lintan_official, cast):
    response = login(client, lintan_official).get("/quality/region/623021/csv/clerks/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["lintan_clerk", "5", "1", "80.0", ""]


def test_fixing_a_defect_closes_it_and_counts_the_days_to_fix(client, lintan_official, cast):
    Issue.objects.update(opened_on=timezone.localdate() - timedelta(days=4))
    Household.objects.filter(pk=cast["P1"].pk).update(main_cause=9)
    quality_run(trigger="command")
    issue = Issue.objects.get(rule="CA03")
    assert issue.closed_on == timezone.localdate()
    assert issue.closed_by.username == "lintan_clerk"  # the household's last editor
    rows = list(
        csv.reader(
            io.StringIO(
                login(client, lintan_official).get("/quality/region/623021/csv/villages/").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][0] == "623021100201" and rows[1][4] == "100.0" and rows[1][7] == "4"


def test_the_trend_counts_what_was_open_at_each_month_end(client, lintan_official, cast):
    opened = timezone.localdate() - timedelta(days=70)
    Issue.objects.filter(rule="CA03").update(opened_on=opened)
    response = login(client, lintan_official).get("/quality/region/623021/csv/trend/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 13 and rows[-1][1:] == ["1", "1"]  # this month: the error and P1's warning
    assert [r[1] for r in rows[1:]] == ["1" if r[0] >= f"{opened:%Y-%m}" else "0" for r in rows[1:]]
    assert [r[2] for r in rows[1:-1]] == ["0"] * 11  # the warning was found today


def test_the_catalogue_lists_every_rule(client, lintan_official):
    html = login(client, lintan_official).get("/quality/rules/").content.decode()
    assert html.count('<tr id="') >= 30 and "CA03" in html and "为什么" in html


def test_open_errors_count_is_what_blocks_closing_a_year(cast):
    assert open_errors_count(prefix="623021") == 1
    assert open_errors_count(prefix="623022") == 0  # Z1's is a warning
    assert open_errors_count(prefix="6230") == 1


# --- API ---------------------------------------------------------------------------------------


def test_the_api_summary_counts_per_rule_and_gives_the_score(lintan_official, cast):
    body = api(lintan_official).get("/api/quality/summary/", {"region": "623021"}).json()
    assert body["score"] == 80.0 and body["households"] == 5 and body["errors"] == 1
    counts = {r["rule"]: r["open"] for r in body["results"]}
    assert counts["CA03"] == 1 and counts["RG02"] == 1 and body["count"] >= 30


def test_the_api_lists_open_issues_with_masked_ids_for_readers(lintan_official, lintan_clerk, cast):
    Member.objects.filter(household=cast["P1"], relation="head").update(sex="F")
    quality_run(trigger="command")
    head = Member.objects.get(household=cast["P1"], relation="head")
    read = api(lintan_official).get("/api/quality/issues/", {"region": "623021", "rule": "ID01"}).json()
    assert read["count"] == 1
    assert read["results"][0] == {
        "household": "P1",
        "village": "623021100201",
        "rule": "ID01",
        "severity": "error",
        "member_id_number": head.masked_id,
        "since": timezone.localdate().isoformat(),
    }
    edit = api(lintan_clerk).get("/api/quality/issues/", {"rule": "ID01"}).json()
    assert edit["results"][0]["member_id_number"] == head.id_number


@pytest.mark.parametrize(
    "who, region, expected",
    [
        ("pref_official", "6230", {"P1", "Z1"}),
        ("lintan_official", "623021", {"P1"}),
        ("lintan_clerk", "623021", {"P1"}),
        ("chengguan_clerk", "623021100", {"P1"}),
        ("admin", "", {"P1", "Z1"}),
        ("zhuoni_clerk", "623022", {"Z1"}),
    ],
)
def test_every_role_sees_the_issues_of_its_region(request, who, region, expected, cast):
    user = request.getfixturevalue(who)
    body = api(user).get("/api/quality/issues/").json()
    assert {r["household"] for r in body["results"]} == expected


def test_charlie_of_another_county_gets_404_for_lintan(zhuoni_clerk, cast):
    assert api(zhuoni_clerk).get("/api/quality/issues/", {"region": "623021"}).status_code == 404
    assert api(zhuoni_clerk).get("/api/quality/summary/", {"region": "623021"}).status_code == 404


def test_an_unknown_rule_or_parameter_is_refused(lintan_official, cast):
    assert api(lintan_official).get("/api/quality/issues/", {"rule": "XX99"}).status_code == 400
    assert api(lintan_official).get("/api/quality/issues/", {"colour": "red"}).status_code == 400


def test_the_schema_documents_the_rule_codes(client, lintan_official):
    schema = login(client, lintan_official).get("/api/schema/").content.decode()
    assert "/api/quality/issues/" in schema and "CA03" in schema and "RG04" in schema


# --- query counts ------------------------------------------------------------------------------


def _more_defects(user, n):
    from .quality_cast import CHENGGUAN, clean_household

    for i in range(n):
        h = clean_household(user, CHENGGUAN, f"M{i}")
        Household.objects.filter(pk=h.pk).update(cadre_name="")
    quality_run(trigger="command")


@pytest.mark.parametrize("extra", [0, 3])
def test_the_pages_and_api_ask_a_fixed_number_of_queries(client, lintan_clerk, cast, extra, django_assert_num_queries):
    _more_defects(lintan_clerk, extra)
    c = login(client, lintan_clerk)
    with django_assert_num_queries(20):
        assert c.get("/quality/region/623021/").status_code == 200
    with django_assert_num_queries(8):
        assert c.get("/quality/worklist/").status_code == 200
    with django_assert_num_queries(3):
        assert api(lintan_clerk).get("/api/quality/issues/").status_code == 200


def test_the_quality_pages_speak_english(client, lintan_clerk, cast):
    from .test_english import in_english, page

    in_english(client, lintan_clerk)
    html = page(client, "/quality/worklist/")
    assert "Open issues of 临潭县" in html
    assert "“Main cause” is schooling but no member's “School status” is in school" in html
    assert "主要致贫原因" not in html
    assert "Households without errors" in page(client, "/quality/region/623021/")


def test_a_year_does_not_close_while_errors_are_open_unless_an_admin_gives_a_reason(client, admin, cast):
    from audit.models import AuditEntry
    from metrics.models import ClosedYear

    login(client, admin)
    refused = client.post("/years/", {"year": 2015}, follow=True).content.decode()
    assert "2015 年度暂不能锁定" in refused and "仍有 1 个错误级疑点未消除（CA03 × 1）" in refused
    assert not ClosedYear.objects.filter(closed_at__isnull=False).exists()

    client.post("/years/", {"year": 2015, "override_reason": "州里要求按期上报，疑点年后处理"})
    assert ClosedYear.objects.get(year=2015).closed_at is not None
    entry = AuditEntry.objects.get(action="close_year")
    assert entry.changes["override"] == [None, "州里要求按期上报，疑点年后处理"]
    assert "CA03 × 1" in entry.changes["problems"][1][0]


def test_once_the_errors_are_fixed_the_year_closes(client, admin, cast):
    from metrics.models import ClosedYear

    Household.objects.filter(pk=cast["P1"].pk).update(main_cause=9)
    quality_run(trigger="command")
    assert open_errors_count(prefix="") == 0
    login(client, admin).post("/years/", {"year": 2015})
    assert ClosedYear.objects.get(year=2015).closed_at is not None
