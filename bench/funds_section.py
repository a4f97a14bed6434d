"""The overview's funds section (2015) from the funds rollups against the raw selectors and against bare SQL.

For the prefecture, a county and a township: the section's figures read raw (`funds.rollups.raw_figures`,
what the section computed before its rollups), from the rollups (`funds.rollups.figures`), and the
lower bound: the same three reads as hand-written SQL over the rollup table. Then the whole overview
(`metrics.dashboard.dashboard`, uncached) with the funds section raw and from the rollups. Medians of
REPEAT runs, milliseconds. Run after `seed_demo` (`make bench`).
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from funds import rollups  # noqa: E402
from funds.models import ROLLUP_COUNTS, ROLLUP_MONEY  # noqa: E402
from metrics import dashboard  # noqa: E402
from villages.models import PREFIX_LENGTH, Division  # noqa: E402

YEAR = 2015
REPEAT = 5
REGIONS = ["623000", "623021", "623021100"]


def median_ms(run: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bare_sql(region: Division) -> None:
    """The rollup path's three reads as plain SQL: the region's rows by child, the projects' rows, the villages."""
    prefix = region.prefix
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    child = region.child_level
    group = f"substr(division_id, 1, {PREFIX_LENGTH[child]})" if child else "''"
    sums = ", ".join(f"sum({name})" for name in [*ROLLUP_COUNTS, *ROLLUP_MONEY])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group}, year, kind, code, count(*), {sums} FROM funds_fundsrollup "
            "WHERE division_id >= %s AND division_id < %s AND (kind = '' AND (year <= %s OR special_disbursed <> 0) "
            "OR kind = 'gap_cause' AND year = %s) GROUP BY 1, 2, 3, 4",
            [prefix, upper, YEAR, YEAR],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT year, kind, code, sum(allocated), sum(project_disbursed) FROM funds_fundsrollup "
            "WHERE division_id >= %s AND division_id < %s AND kind IN ('allocation', 'project_paid') GROUP BY 1, 2, 3",
            [prefix, upper],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM villages_division WHERE code >= %s AND code < %s AND level = 'village'",
            [prefix, upper],
        )
        cursor.fetchall()


def overview(region: Division, funds: Callable[..., rollups.FundsFigures]) -> None:
    with mock.patch.object(rollups, "figures", funds):  # the section's source, swapped
        dashboard.dashboard(division=region, year=YEAR, region_url=lambda code: f"/region/{code}/")


def main() -> None:
    print(f"{connection.vendor}, year {YEAR}, median of {REPEAT} runs, ms")
    print(f"{'region':<12}{'raw':>10}{'rollups':>10}{'bare SQL':>10}{'raw/rollups':>13}{'rollups/SQL':>13}")
    for code in REGIONS:
        region = Division.objects.get(code=code)
        assert rollups.figures(region=region, year=YEAR) == rollups.raw_figures(region=region, year=YEAR), code
        raw = median_ms(partial(rollups.raw_figures, region=region, year=YEAR))
        fast = median_ms(partial(rollups.figures, region=region, year=YEAR))
        bound = median_ms(partial(bare_sql, region))
        print(f"{code:<12}{raw:>10.1f}{fast:>10.1f}{bound:>10.1f}{raw / fast:>13.1f}{fast / bound:>13.2f}")
    print("\nthe whole overview (metrics.dashboard.dashboard, uncached), ms")
    print(f"{'region':<12}{'funds raw':>12}{'rollups':>10}")
    for code in REGIONS:
        region = Division.objects.get(code=code)
        before = median_ms(partial(overview, region, rollups.raw_figures))
        after = median_ms(partial(overview, region, rollups.figures))
        print(f"{code:<12}{before:>12.1f}{after:>10.1f}")


if __name__ == "__main__":
    main()
