"""A clerk uploads a roster in the browser, sees the preview and confirms it."""

import pytest

from households.models import Household
from villages.models import Division
from villages.services import divisions_load

from .conftest import VILLAGES, make_user
from .test_import_households import household, roster


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_uploads_previews_and_confirms_a_roster(live_server, browser, artifacts_dir):
    # A transactional test starts from an empty database: put the cast's places back.
    divisions_load()
    for code, (name, parent, poor) in VILLAGES.items():
        Division.objects.update_or_create(code=code, defaults={"name": name, "level": "village", "parent_id": parent,
                                                               "is_poor_village": poor})
    make_user("lintan_clerk", "clerk", "623021")
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "lintan_clerk")
    page.fill("input[name=password]", "pw-lintan_clerk")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/data/")
    page.screenshot(path=str(artifacts_dir / "import-index.png"), full_page=True)
    page.click("text=导入贫困户信息采集表")
    data = roster(*household("BR01", size=3, exit_year=2015, exit_type="稳定脱贫", income="2000"))
    page.set_input_files("input[name=file]", files=[{"name": "花名册.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("text=上传并预览")
    page.wait_for_selector("#import-counts")
    assert "导入预览" in page.inner_text("h1")
    assert "新增贫困户" in page.inner_text("#import-counts")
    assert "未超过当年贫困线" in page.inner_text("#import-warnings")
    page.screenshot(path=str(artifacts_dir / "import-preview.png"), full_page=True)
    assert not Household.objects.filter(code="BR01").exists()
    page.click("#confirm-import")
    page.wait_for_selector("text=导入完成")
    page.screenshot(path=str(artifacts_dir / "import-done.png"), full_page=True)
    assert Household.objects.get(code="BR01").member_count == 3
    page.close()
