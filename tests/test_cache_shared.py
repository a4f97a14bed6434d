"""One cache for every worker (settings.CACHES): Django's database cache by default, Redis with CACHE_URL.

A value one process caches is read by another; a clerk's save through the services shows at the next
overview of that county in any worker (the data stamp of metrics/cache.py moves), while another county's
cached overview stays; imports move the stamp too. Tests themselves cache in the process (settings_test.py)
and switch to the shared backends here.
"""

import csv
import io
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.importers import households_import
from households.models import Household
from metrics.cache import data_stamp

from .conftest import change_status

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "gannan_cache",
    "KEY_PREFIX": "gannan",
}


def in_another_process(code: str, **env: str) -> str:
    """`manage.py shell -c code` in a process of its own, on the production settings; its output."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "gannan.settings",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def settings_of(**env: str) -> subprocess.CompletedProcess:
    """The production settings' default cache backend under this environment (only the settings are loaded)."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "gannan.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def database_url() -> str:
    """The test database as a DATABASE_URL (PostgreSQL)."""
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


def require_redis() -> None:
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL} in CI: the Redis cache tests must run")
        pytest.skip(f"Redis cache test skipped: nothing answers at {REDIS_URL} (apt-get install redis-server)")


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the shared Redis; its keys are deleted after (never FLUSHDB)."""
    require_redis()
    import redis

    prefix = f"gannan-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, db):
    """The dashboards cached in a shared backend: the database cache table, or Redis."""
    if request.param == "database":
        backend = DATABASE_CACHE
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": request.getfixturevalue("redis_prefix"),
        }
    settings.CACHES = {"default": backend}
    settings.METRICS_CACHE_SECONDS = 60
    if request.param == "database":
        cache.clear()  # inside the test's transaction: undone with it
    yield request.param


def poor_population(client, url: str) -> tuple[str, int]:
    """The page's poor-population KPI and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    marker = 'data-kpi="poor_population" data-raw="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)], len(queries)


def test_the_default_is_the_database_cache_and_cache_url_chooses_redis():
    assert settings_of().stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
    redis = settings_of(CACHE_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    wrong = settings_of(CACHE_URL="memcached://127.0.0.1:11211")
    assert wrong.returncode != 0 and "CACHE_URL must be a redis://" in wrong.stderr


def test_the_test_runner_created_the_cache_table(db):
    assert "gannan_cache" in connection.introspection.table_names()


def test_a_value_cached_by_one_process_is_read_by_another(db, settings, tmp_path):
    key = f"shared-{uuid.uuid4().hex}"
    if connection.vendor == "sqlite":  # the test database lives in this process's memory: a file of its own
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        # `migrate` alone, as a deployment runs it: the cache's table comes with it (metrics/apps.py).
        in_another_process(
            "from django.core.management import call_command; call_command('migrate', verbosity=0)", DATABASE_URL=url
        )
    else:
        url = database_url()
    in_another_process(f"from django.core.cache import cache; cache.set({key!r}, '临潭县 5', 60)", DATABASE_URL=url)
    if connection.vendor == "postgresql":  # and by this process, through the same table
        settings.CACHES = {"default": DATABASE_CACHE}
        assert cache.get(key) == "临潭县 5"
    read = in_another_process(
        f"from django.core.cache import cache; print(cache.get({key!r})); cache.delete({key!r})", DATABASE_URL=url
    )
    assert read == "临潭县 5"


def test_a_value_cached_through_redis_by_one_process_is_read_by_another(settings, redis_prefix, tmp_path):
    env = {
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    in_another_process("from django.core.cache import cache; cache.set('overview', '卓尼县 6', 60)", **env)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_prefix,
        }
    }
    assert cache.get("overview") == "卓尼县 6"


def test_a_clerks_save_refreshes_that_countys_overview_and_leaves_the_other_countys_cached(
    client, shared_cache, pref_official, lintan_clerk, metrics_cast
):
    client.force_login(pref_official)
    lintan, _ = poor_population(client, "/region/623021/?year=2018")
    zhuoni, computed = poor_population(client, "/region/623022/?year=2018")
    assert (lintan, zhuoni) == ("5", "6")
    if shared_cache == "database":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM gannan_cache")
            assert cursor.fetchone()[0] > 0  # the pages' content sits in the shared table, not in this process
    change_status(lintan_clerk, metrics_cast["D"], "exited_stable", date(2018, 6, 1))
    assert poor_population(client, "/region/623021/?year=2018")[0] == "0"
    zhuoni, served = poor_population(client, "/region/623022/?year=2018")
    assert zhuoni == "6" and served < computed


def test_a_roster_import_moves_its_countys_stamp_and_not_another_countys(client, admin, lintan_clerk, metrics_cast):
    client.force_login(admin)
    response = client.get("/data/export/households.csv?full=1&division=623021")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))[:-1]
    phone = rows[0].index(str(Household._meta.get_field("phone").verbose_name))
    for row in rows[1:]:
        if row[0] == metrics_cast["D"].code:
            row[phone] = "13900000000"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    lintan, zhuoni = data_stamp("623021"), data_stamp("623022")
    report = households_import(data=out.getvalue().encode("utf-8-sig"), file_name="临潭县.csv", user=lintan_clerk)
    assert report.ok and report.changed, [str(p) for p in report.errors]
    assert data_stamp("623021") != lintan
    assert data_stamp("623022") == zhuoni
