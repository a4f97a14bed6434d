"""A clerk uploads a roster in the browser, sees the preview and confirms it."""

import pytest

from households.models import Household

from .conftest import browser_login
from .test_import_households import household, roster


@pytest.mark.browser
def test_a_clerk_uploads_previews_and_confirms_a_roster(live_site, browser, artifacts_dir, lintan_clerk):
    live_server = live_site
    context, page = browser_login(browser, live_site, lintan_clerk.username)
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
    context.close()
