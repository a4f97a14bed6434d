"""EXPLAIN of the dashboard's queries on the rollups, for the prefecture, a county and a township (PostgreSQL).

Captures the SQL the overview runs on the rollup tables (`metrics.queries.register_rollups`, the funds
section's `funds.rollups.figures`) and prints each plan with `EXPLAIN (ANALYZE, BUFFERS)`: every one
should read the region's rows through an index on the code (docs/SCALING.md, "Sharding by county").
Run after `seed_demo`: `DATABASE_URL=postgres://… .venv/bin/python bench/explain_rollups.py [CODE …]`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from funds import rollups  # noqa: E402
from gannan.lib.calendar import FIRST_YEAR, last_year  # noqa: E402
from metrics import queries  # noqa: E402
from villages.models import PREFIX_LENGTH, Division  # noqa: E402

YEAR = 2015
ROLLUP_TABLES = ("metrics_registerrollup", "funds_fundsrollup", "villages_division")


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN here is PostgreSQL's: set DATABASE_URL")
    for code in sys.argv[1:] or ["623000", "623021", "623021100"]:
        region = Division.objects.get(code=code)
        child = PREFIX_LENGTH[region.child_level] if region.child_level else None
        with CaptureQueriesContext(connection) as captured:
            queries.register_rollups(prefix=region.prefix, first=FIRST_YEAR, last=last_year(), child_len=child)
            rollups.figures(region=region, year=YEAR)
        for query in captured.captured_queries:
            sql = query["sql"]
            if not any(table in sql for table in ROLLUP_TABLES):
                continue
            print(f"\n-- {region.name} ({code}): {sql[:160]}…")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql)
                for (line,) in cursor.fetchall():
                    print(line)


if __name__ == "__main__":
    main()
