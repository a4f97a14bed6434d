"""An optional cache for the dashboard's computed content.

Off unless `settings.METRICS_CACHE_SECONDS` > 0. The key carries a data stamp
of the region: the newest audit entry under its prefix (every write through
the household and funds services, the village importer and seed_demo leaves
one, with the village's or project's code) or without a region (seed_demo,
fund sources), and the newest admin log entry (exit targets, poor-village
flags). So a write in one county shows at the next request of its own
dashboards and of the prefecture's, and leaves other counties' cached; the
timeout bounds what a write outside those paths (raw SQL) could leave stale.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db.models import Max, Q
from django.utils.translation import get_language

from audit.models import AuditEntry

T = TypeVar("T")


def timeout() -> int:
    return int(getattr(settings, "METRICS_CACHE_SECONDS", 0))


def data_stamp(prefix: str) -> str:
    """The newest audit entry touching the region with this code prefix, and the newest admin log entry."""
    audit = AuditEntry.objects.filter(Q(region_code__startswith=prefix) | Q(region_code="")).aggregate(m=Max("id"))["m"]
    admin = LogEntry.objects.aggregate(m=Max("id"))["m"]
    return f"{audit}-{admin}"


def cached(name: str, prefix: str, *parts: object, compute: Callable[[], T]) -> T:
    """`compute()`, or its cached result for the region with `prefix`, these parts, the language and the data stamp."""
    seconds = timeout()
    if seconds <= 0:
        return compute()
    key = ":".join(["metrics", name, prefix, *map(str, parts), get_language() or "", data_stamp(prefix)])
    return cache.get_or_set(key, compute, seconds)  # type: ignore[return-value]  # None only without a default
