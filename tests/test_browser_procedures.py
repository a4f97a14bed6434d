"""In the browser: a clerk runs an exit case to its notice, the township reviewer and the county approver approve,
and on the announcement date the household's badge turns green (稳定脱贫)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from households.models import Status

from .conftest import browser_login
from .procedures_cast import exit_ready_household, procedure_users

pytestmark = pytest.mark.browser


def ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def take_step(page, on: str, **fields) -> None:
    page.fill("#id_on", on)
    for name, value in fields.items():
        if name == "outcome" or name == "target_status":
            page.check(f"input[name={name}][value={value}]")
        else:
            page.fill(f"#id_{name}", str(value))
    with page.expect_navigation():
        page.click(".stepform button.primary")
    assert page.locator(".errorbox").count() == 0, page.locator(".errorbox").inner_text()


def test_an_exit_case_from_the_village_to_the_announcement(browser, live_site, artifacts_dir):
    users = procedure_users()
    household = exit_ready_household(users["clerk"])
    base = live_site.url

    context, page = browser_login(browser, live_site, "p_clerk")
    page.goto(f"{base}/households/{household.pk}/")
    page.click("text=识别/退出/返贫程序")
    page.select_option("#id_kind", "exit")
    page.fill("#id_on", ago(20))
    with page.expect_navigation():
        page.click("form.card button.primary")
    case_url = page.url
    take_step(page, ago(19), attendance=30, votes_for=26, votes_against=1)  # 民主评议
    take_step(page, ago(18))  # 核实: the exit test passes
    take_step(page, ago(17))  # 户签字认可
    take_step(page, ago(16))  # 公示, 7 days
    assert "乡镇审核" in page.locator(".case-step").inner_text()
    assert page.locator(".stepform").count() == 0  # the clerk cannot review
    context.close()

    context, page = browser_login(browser, live_site, "p_reviewer")
    page.goto(f"{base}/procedures/")
    page.click(f"#waiting a[href='{case_url.removeprefix(base)}']")
    take_step(page, ago(5), outcome="approved")
    context.close()

    context, page = browser_login(browser, live_site, "p_approver")
    page.goto(case_url)
    take_step(page, ago(1), outcome="approved", target_status="exited_stable")  # 县级审定
    page.goto(f"{base}/households/{household.pk}/")
    assert page.locator("h1 .status").inner_text() == "未脱贫"
    page.goto(case_url)
    take_step(page, timezone.localdate().isoformat())  # 公告
    page.screenshot(path=str(artifacts_dir / "procedures-case.png"), full_page=True)
    page.goto(f"{base}/households/{household.pk}/")
    badge = page.locator("h1 .status")
    assert badge.inner_text() == "稳定脱贫" and "status-exited_stable" in badge.get_attribute("class")
    green = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--green')").strip()
    assert green and badge.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    context.close()
    household.refresh_from_db()
    assert household.status == Status.EXITED_STABLE
    assert household.status_changes.order_by("-sequence").first().date == timezone.localdate()
