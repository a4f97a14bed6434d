"""Poor-village exit (出列) and county exit (摘帽) readiness, on a hand-built cast; the evaluation's figures.

临潭县's poor villages: 城关村 (100 rural people in 2016) and 红堡子村 (200). In 2016 城关村 has
one poor household of 2 people (2%), 红堡子村 one of 10 (5%). 卓尼县's 柳林村 has none poor.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from metrics.queries import village_checklist
from procedures.models import CountyEvaluation, VillageExitRule
from procedures.readiness import county_readiness, village_readiness
from procedures.services import county_evaluation_save
from villages.models import VILLAGE_ITEMS, Division, VillageYear

from .conftest import make_user, register

ALL_ITEMS = {item: True for item, _label in VILLAGE_ITEMS}


@pytest.fixture
def cast(admin):
    register(admin, "623021100201", "V1", size=2, identified_on=date(2016, 3, 1))
    register(admin, "623021101201", "V2", size=10, identified_on=date(2016, 3, 1))
    VillageYear.objects.create(village_id="623021100201", year=2016, rural_population=100, **ALL_ITEMS)
    VillageYear.objects.create(
        village_id="623021101201", year=2016, rural_population=200, **(ALL_ITEMS | {"road": False})
    )
    VillageYear.objects.create(village_id="623022100201", year=2016, rural_population=300, **ALL_ITEMS)
    return admin


def rows_by_code(rows):
    return {r["village"].code: r for r in rows}


def test_a_village_below_three_percent_with_every_item_is_ready(cast):
    rows = rows_by_code(village_readiness(user=cast, year=2016, region=Division.objects.get(code="623021")))
    assert set(rows) == {"623021100201", "623021101201"}
    assert rows["623021100201"]["incidence"] == Decimal("2.00") and rows["623021100201"]["ready"]
    assert rows["623021101201"]["failures"] == ["贫困发生率 5.00% 未低于 3%", "通沥青(水泥)路"]


def test_the_line_and_the_items_are_configured_per_year(cast):
    VillageExitRule.objects.create(year=2016, max_incidence=Decimal("6"), items=["water", "power"])
    rows = rows_by_code(village_readiness(user=cast, year=2016, region=Division.objects.get(code="623021")))
    assert rows["623021101201"]["ready"] and rows["623021101201"]["failures"] == []


def test_a_village_without_its_population_says_so(cast):
    VillageYear.objects.filter(village_id="623021100201").delete()
    rows = rows_by_code(village_readiness(user=cast, year=2016, region=Division.objects.get(code="623021")))
    assert rows["623021100201"]["failures"][0] == "缺少 2016 年农业户籍人口"


def test_a_county_exits_when_its_incidence_is_below_the_line_and_its_poor_villages_exited(cast):
    rows = {r["county"].code: r for r in county_readiness(user=cast, year=2016, first_year=2016)}
    lintan = rows["623021"]
    assert lintan["incidence"] == Decimal("4.00")  # 12 poor of 300
    assert lintan["missing"] == ["贫困发生率 4.00% 未低于 3%", "2 个贫困村未出列"] and lintan["met_in"] is None
    zhuoni = rows["623022"]
    assert zhuoni["incidence"] == Decimal("0.00") and zhuoni["missing"] == ["1 个贫困村未出列"]
    Division.objects.filter(code="623022100201").update(poor_exit_year=2016)
    zhuoni = {r["county"].code: r for r in county_readiness(user=cast, year=2016, first_year=2016)}["623022"]
    assert zhuoni["ready"] and zhuoni["met_in"] == 2016
    assert len(rows) == 8


def test_the_checklist_chart_keeps_a_village_in_the_year_it_exits(cast):
    Division.objects.filter(code="623021100201").update(poor_exit_year=2016)
    codes = list(village_checklist(prefix="623021", year=2016, items=["road"])["code"])
    assert "623021100201" in codes
    assert "623021100201" not in list(village_checklist(prefix="623021", year=2017, items=["road"])["code"])


def test_the_evaluation_is_recorded_by_the_countys_approver_only(client, cast):
    approver = make_user("lintan_approver", Role.COUNTY_APPROVER, "623021")
    other = make_user("zhuoni_approver", Role.COUNTY_APPROVER, "623022")
    lintan = Division.objects.get(code="623021")
    figures = {"wrong_exit_rate": Decimal("0.5"), "missed_rate": Decimal("0.3"), "satisfaction": Decimal("96.2")}
    with pytest.raises(PermissionDenied):
        county_evaluation_save(user=other, county=lintan, year=2016, data=figures)
    client.force_login(approver)
    response = client.post(reverse("procedures:counties") + "?year=2016", {"county": "623021", **figures})
    assert response.status_code == 302
    assert CountyEvaluation.objects.get(county=lintan, year=2016).satisfaction == Decimal("96.2")
    page = client.get(reverse("procedures:counties") + "?year=2016").content.decode()
    assert "0.50% / 0.30% / 96.20%" in page


def test_the_readiness_pages_show_the_figures(client, cast):
    client.force_login(cast)
    page = client.get(reverse("procedures:villages") + "?year=2016&region=623021").content.decode()
    assert "1 / 2 个贫困村达到出列标准" in page and "贫困发生率 5.00% 未低于 3%" in page
    page = client.get(reverse("procedures:counties") + "?year=2016").content.decode()
    assert "2 个贫困村未出列" in page


def test_a_village_exits_through_the_same_path_ending_in_the_announcement(cast):
    from datetime import timedelta

    from procedures.models import Kind, StepCode
    from procedures.services import village_exit_open

    from .procedures_cast import take

    clerk = make_user("v_clerk", Role.CLERK, "623021")
    reviewer = make_user("v_reviewer", Role.TOWNSHIP_REVIEWER, "623021101")
    approver = make_user("v_approver", Role.COUNTY_APPROVER, "623021")
    start = timezone.localdate() - timedelta(days=30)
    on = [start + timedelta(days=n) for n in range(20)]
    hongbaozi = Division.objects.get(code="623021101201")
    case = village_exit_open(user=clerk, village=hongbaozi, year=2016, on=on[0])
    assert case.kind == Kind.VILLAGE_EXIT
    take(clerk, case, StepCode.ASSESS, on[1])
    with pytest.raises(ValidationError) as e:
        take(clerk, case, StepCode.VERIFY, on[2])
    assert e.value.messages == ["不符合 2016 年贫困村出列标准：", "贫困发生率 5.00% 未低于 3%", "通沥青(水泥)路"]
    VillageExitRule.objects.create(year=2016, max_incidence=Decimal("6"), items=["water"])
    take(clerk, case, StepCode.VERIFY, on[2])
    take(clerk, case, StepCode.NOTICE, on[3])
    take(reviewer, case, StepCode.TOWNSHIP, on[11])
    take(approver, case, StepCode.COUNTY, on[12])
    hongbaozi.refresh_from_db()
    assert hongbaozi.poor_exit_year is None  # nothing before the announcement
    take(approver, case, StepCode.ANNOUNCE, on[13])
    hongbaozi.refresh_from_db()
    assert hongbaozi.poor_exit_year == 2016
