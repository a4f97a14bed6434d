"""The 疑点 rules over the whole register against one scan of the member table.

Each row times, through the app, what a full check costs: the one UNION query
of every rule (`findings`), the rules asked one at a time, and a whole run
that also brings the stored 疑点 up to date (`quality_run`, a second run: the
first after seed_demo already stored them). The lower bound is one plain scan
of the member table (count and two sums), the least any member rule must read.
Run after `seed_demo` (`make bench`).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from households.models import Member  # noqa: E402
from quality.rules import RULES, context  # noqa: E402
from quality.services import findings, quality_run  # noqa: E402

REPEAT = 3


def member_scan() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), SUM(migrant_months), MAX(birth_date) FROM households_member")
        return cursor.fetchone()


def one_rule_at_a_time() -> int:
    ctx = context()
    return sum(len(findings(rules=[rule], ctx=ctx)) for rule in RULES)


def best_ms(fn) -> tuple[float, object]:
    times, result = [], None
    for _i in range(REPEAT):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def main() -> None:
    members = Member.objects.count()
    if not members:
        print("no households in the database: run `manage.py seed_demo` first")
        return
    scan_ms, _scan = best_ms(member_scan)
    rows = [
        (f"findings ({len(RULES)} rules, 1 query)", lambda: len(findings())),
        ("one rule at a time", one_rule_at_a_time),
        ("quality_run (stores)", lambda: quality_run(trigger="bench").found),
    ]
    print(
        f"疑点 rules, {connection.vendor}, {members} members; best of {REPEAT}; lower bound: one member scan "
        f"{scan_ms:.1f} ms"
    )
    print(f"{'what':<32}{'found':>8}{'app ms':>10}{'scan ms':>10}{'ratio':>8}")
    for name, fn in rows:
        ms, found = best_ms(fn)
        print(f"{name:<32}{found:>8}{ms:>10.1f}{scan_ms:>10.1f}{ms / scan_ms:>8.1f}")


if __name__ == "__main__":
    main()
