"""The dashboard cache is regional: a write shows at the next request of its own region's (and its ancestors')
dashboards and leaves other regions' cached dashboards in place."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import change_status


@pytest.fixture
def cache_on(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "metrics-cache-tests"}
    }
    settings.METRICS_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def poor_population(client, url: str) -> tuple[str, int]:
    """The page's poor-population KPI and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    marker = 'data-kpi="poor_population" data-raw="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)], len(queries)


def test_a_write_in_zhuoni_leaves_lintans_cached_overview_in_place(
    client, cache_on, lintan_official, admin, metrics_cast
):
    client.force_login(lintan_official)
    figure, computed = poor_population(client, "/?year=2018")
    assert figure == "5"
    change_status(admin, metrics_cast["F"], "exited_stable", date(2018, 6, 1))
    figure, served = poor_population(client, "/?year=2018")
    assert figure == "5"
    assert served < computed


def test_a_write_in_lintan_shows_at_the_next_request_of_lintan_and_of_the_prefecture(
    client, cache_on, lintan_official, pref_official, admin, metrics_cast
):
    client.force_login(lintan_official)
    assert poor_population(client, "/?year=2018")[0] == "5"
    client.force_login(pref_official)
    assert poor_population(client, "/?year=2018")[0] == "11"
    change_status(admin, metrics_cast["D"], "exited_stable", date(2018, 6, 1))
    assert poor_population(client, "/?year=2018")[0] == "6"
    client.force_login(lintan_official)
    assert poor_population(client, "/?year=2018")[0] == "0"


def test_a_write_in_zhuoni_shows_on_the_prefectures_overview(client, cache_on, pref_official, admin, metrics_cast):
    client.force_login(pref_official)
    assert poor_population(client, "/?year=2018")[0] == "11"
    change_status(admin, metrics_cast["F"], "exited_stable", date(2018, 6, 1))
    assert poor_population(client, "/?year=2018")[0] == "5"


def test_a_township_dashboard_is_not_invalidated_by_another_township(
    client, cache_on, lintan_official, admin, metrics_cast
):
    client.force_login(lintan_official)
    figure, computed = poor_population(client, "/region/623021100/?year=2015")
    change_status(admin, metrics_cast["D"], "exited_stable", date(2015, 6, 1))  # 新城镇
    again, served = poor_population(client, "/region/623021100/?year=2015")
    assert again == figure and served < computed
