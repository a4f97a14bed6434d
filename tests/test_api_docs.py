"""The OpenAPI schema and its two viewers, served from the project's own static files."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from .conftest import browser_login


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/divisions/",
        "/api/village-years/{id}/",
        "/api/households/{id}/",
        "/api/members/",
        "/api/household-years/",
        "/api/status-changes/",
    ):
        assert f"  {path}:" in schema


def test_the_viewer_loads_its_scripts_from_our_static_files(client, admin):
    client.force_login(admin)
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


def test_the_schema_is_only_for_signed_in_users():
    assert APIClient().get("/api/schema/").status_code == 401


def test_the_schema_says_what_the_household_list_filters_on(admin):
    client = APIClient()
    client.force_login(admin)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/households/"]["get"]["parameters"]}
    assert params >= {
        "division",
        "status",
        "attribute",
        "main_cause",
        "q",
        "identified_year",
        "page",
        "page_size",
        "ordering",
    }


@pytest.mark.browser
def test_swagger_ui_renders_offline(live_site, browser, artifacts_dir, admin):
    context, page = browser_login(browser, live_site, admin.username)
    outside = []

    def only_ours(route):
        if route.request.url.startswith(live_site.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(f"{live_site.url}/api/docs/")
    page.wait_for_selector("text=/api/households/", timeout=15000)
    assert page.locator(".info .title").inner_text().startswith("Gannan 精准扶贫 API")
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)
    context.close()
    assert outside == []
