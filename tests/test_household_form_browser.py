"""In the browser: a clerk registers a household and adds a second member row with the 添加成员 button."""

from datetime import date

import pytest

from households.models import Household
from villages.models import Division
from villages.services import divisions_load

from .conftest import VILLAGES, make_id, make_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_registers_a_household_adding_a_member_row(live_server, browser, artifacts_dir):
    divisions_load()
    for code, (name, parent, poor) in VILLAGES.items():
        Division.objects.update_or_create(code=code, defaults={"name": name, "level": "village", "parent_id": parent,
                                                               "is_poor_village": poor})
    make_user("lintan_clerk", "clerk", "623021")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lintan_clerk")
    page.fill("#id_password", "pw-lintan_clerk")
    page.click(".login button.primary")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/households/new/")
    page.fill("#id_code", "BF001")
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
    household = Household.objects.get(code="BF001")
    assert household.member_count == 2 and household.head_name == "才让"
    assert household.members.get(relation="spouse").sex == "F"
    page.close()
