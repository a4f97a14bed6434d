"""In the browser: a clerk registers a household and adds a second member row with the 添加成员 button."""

from datetime import date

import pytest

from households.models import Household

from .conftest import browser_login, make_id


@pytest.mark.browser
def test_a_clerk_registers_a_household_adding_a_member_row(live_site, browser, artifacts_dir, lintan_clerk):
    live_server = live_site
    context, page = browser_login(browser, live_site, lintan_clerk.username)
    page.goto(f"{live_server.url}/households/new/")
    page.fill("#id_code", "6230211002020001")
    page.select_option("#id_village", "623021100202")
    page.select_option("#id_main_cause", "8")
    page.fill("#id_identified_year", "2015")
    page.fill("#id_members-0-name", "才让")
    page.fill("#id_members-0-id_number", make_id(born=date(1970, 1, 1)))
    page.select_option("#id_members-0-relation", "head")
    page.click("button.add-member")
    page.fill("#id_members-1-name", "拉毛")
    page.fill("#id_members-1-id_number", make_id(born=date(1972, 1, 1), male=False))
    page.select_option("#id_members-1-relation", "spouse")
    page.screenshot(path=str(artifacts_dir / "household-create.png"), full_page=True)
    page.click(".household-form button.primary")
    page.wait_for_selector("text=一户一档")
    page.screenshot(path=str(artifacts_dir / "household-detail.png"), full_page=True)
    household = Household.objects.get(code="6230211002020001")
    assert household.member_count == 2 and household.head_name == "才让"
    assert household.members.get(relation="spouse").sex == "F"
    context.close()
