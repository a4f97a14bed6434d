"""The settings the page benchmark serves with: the project's, with the dashboard cache on."""

import os

from gannan.settings import *  # noqa: F403

METRICS_CACHE_SECONDS = int(os.environ.get("METRICS_CACHE_SECONDS", "60"))
