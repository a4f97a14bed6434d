"""An optional cache for the dashboard's computed content.

Off unless `settings.METRICS_CACHE_SECONDS` > 0. The key carries a data stamp:
the newest audit entry (every write through the household services, the
village importer and seed_demo leaves one) and the newest admin log entry
(exit targets, poor-village flags), so a write shows at the next request; the
timeout bounds what a write outside those paths (raw SQL) could leave stale.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import get_language

from audit.models import AuditEntry

T = TypeVar("T")


def timeout() -> int:
    return int(getattr(settings, "METRICS_CACHE_SECONDS", 0))


def data_stamp() -> str:
    audit = AuditEntry.objects.aggregate(m=Max("id"))["m"]
    admin = LogEntry.objects.aggregate(m=Max("id"))["m"]
    return f"{audit}-{admin}"


def cached(name: str, *parts, compute: Callable[[], T]) -> T:
    """`compute()`, or its cached result for these parts, the language and the data stamp."""
    seconds = timeout()
    if seconds <= 0:
        return compute()
    key = ":".join(["metrics", name, *map(str, parts), get_language() or "", data_stamp()])
    return cache.get_or_set(key, compute, seconds)
