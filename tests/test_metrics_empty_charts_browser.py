"""In chromium: an empty chart reads 暂无数据, and the table button says what its next click does."""

import pytest

from .conftest import browser_login

pytestmark = pytest.mark.browser


def test_an_empty_chart_says_so_and_the_table_button_switches_its_label(
    browser, live_server, dashboard_cast, artifacts_dir
):
    context, page = browser_login(browser, live_server, "lintan_official")
    page.goto(f"{live_server.url}/?year=2012")
    page.wait_for_selector("#chart-by_cause .js-plotly-plot svg")
    assert "暂无数据" in page.locator("#chart-by_cause .chart").inner_text()
    assert "暂无数据" not in page.locator("#chart-trend .chart").inner_text()
    button = page.locator("#chart-by_cause .js-toggle")
    assert button.inner_text() == "显示数据表"
    button.click()
    assert button.inner_text() == "隐藏数据表" and page.locator("#table-by_cause").is_visible()
    page.screenshot(path=str(artifacts_dir / "dashboard-empty-charts.png"), full_page=True)
    button.click()
    assert button.inner_text() == "显示数据表" and not page.locator("#table-by_cause").is_visible()
    context.close()
