"""The test run's settings: the real ones, plus what only makes tests fast.

Works with no environment set (SQLite in a temporary database) or with
DATABASE_URL pointing at PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_DEBUG", "false")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
# The live test server speaks plain http: secure-only cookies would never reach it.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Tests read what they just wrote.
METRICS_CACHE_SECONDS = 0
# Tests serve static files through the finders; there is no collected STATIC_ROOT to watch.
STATIC_ROOT = None
# The test client and the live server speak plain http.
SECURE_SSL_REDIRECT = False
# Jobs run at once, inside the request that starts them, so tests see their result.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Job results of a test run go to a throw-away folder.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="gannan-private-"))  # noqa: F405 -- tests: each its own (conftest)
# Tests cache in the process (each test clears what it fills): the database cache's rows would outlive a
# transactional test's flush (its table is no model's) and leak throttle counts or dashboards into the
# next test. The production backend stays configured under "database", so Django's test runner creates
# its table in the test database (createcachetable) and tests/test_cache_shared.py switch to it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gannan-tests"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,  # noqa: F405
        "KEY_PREFIX": "gannan",
    },
}
