"""The dashboard in Debian's chromium: a county official logs in, reads the KPIs, sees the charts, drills down.

Runs against pytest-django's live server; with the in-memory SQLite database the
server thread only sees data committed by the test, hence `transactional_db`.
"""

from decimal import Decimal

import pytest

from villages.models import VillageYear

from .conftest import add_people, browser_login

pytestmark = pytest.mark.browser


def kpis(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "[data-kpi]", "els => Object.fromEntries(els.map(e => [e.dataset.kpi, e.dataset.raw]))"
    )


def test_a_county_official_reads_the_overview_and_drills_down_to_a_village(
    browser, live_server, dashboard_cast, artifacts_dir
):
    context, page = browser_login(browser, live_server, "lintan_official")
    outside = []  # county offices have no internet: the dashboard must ask nothing of it

    def only_ours(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(f"{live_server.url}/?year=2015")
    page.wait_for_selector(".js-plotly-plot svg")
    assert page.locator("h1").inner_text().startswith("临潭县")

    api = page.request.get(f"{live_server.url}/api/metrics/summary/?year=2015").json()
    shown = kpis(page)
    for key, value in shown.items():
        figures = api
        if key.startswith("funds."):
            figures, key = api["funds"], key.removeprefix("funds.")
        expected = figures[key]
        if expected is None:
            assert value == "", key
        else:
            assert Decimal(value) == Decimal(str(expected)), key
    assert shown["poor_population"] == "6" and "3.0%" in page.locator(".kpis").first.inner_text()
    drawn = page.eval_on_selector_all(
        "[data-chart]", "els => els.map(e => !!e.querySelector('.js-plotly-plot svg, svg.main-svg'))"
    )
    assert drawn and all(drawn)
    page.screenshot(path=str(artifacts_dir / "dashboard-county.png"), full_page=True)

    page.click("#chart-incidence_by_region .js-toggle")
    page.click("#table-incidence_by_region a:text('新城镇')")
    page.wait_for_selector(".js-plotly-plot svg")
    assert page.locator("h1").inner_text().startswith("新城镇")
    assert "临潭县" in page.locator(".breadcrumbs").inner_text()
    page.screenshot(path=str(artifacts_dir / "dashboard-township.png"), full_page=True)

    page.click("#chart-incidence_by_region .js-toggle")
    page.click("#table-incidence_by_region a:text('红堡子村')")
    page.wait_for_selector("table.households")
    assert page.locator("h1").inner_text().startswith("红堡子村")
    assert "D户主" in page.locator("table.households").inner_text()
    page.screenshot(path=str(artifacts_dir / "dashboard-village.png"), full_page=True)
    context.close()
    assert outside == []


def test_the_prefecture_page_shows_the_seeds_2015_figures(browser, live_server, dashboard_cast, artifacts_dir):
    # Make the prefecture's 2015 figures those of the seed: 7.93万 poor, incidence 14%.
    for code, more in [("D", 30_000 - 5), ("E", 30_000 - 1), ("F", 19_300 - 6)]:
        add_people(dashboard_cast[code], more)
    VillageYear.objects.filter(village_id="623022100201", year=2014).update(rural_population=566_429 - 200)
    context, page = browser_login(browser, live_server, "pref_official")
    page.goto(f"{live_server.url}/?year=2015")
    page.wait_for_selector(".js-plotly-plot svg")
    text = page.locator(".kpis").first.inner_text()
    assert "7.93万" in text and "14.0%" in text
    page.screenshot(path=str(artifacts_dir / "dashboard-prefecture-2015.png"), full_page=True)
    context.close()
