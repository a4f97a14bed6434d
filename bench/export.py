"""Roster export speed of one county against writing the same rows with nothing else to do (the lower bound).

Uses the configured database with demo data (`seed_demo --scale 1`): the county
BENCH_EXPORT_REGION (default 临潭县, 623021) as the prefecture's admin sees it.
Prints, for CSV and XLSX, the seconds of the real path (the CSV as the export view
sends it: COPY on PostgreSQL, ORM → rows → writer elsewhere; the XLSX from the rows),
of the writer alone on rows already in memory, and their ratio; on PostgreSQL also
the CSV against one bare `COPY (SELECT …) TO STDOUT` of the same member rows joined
to their household and latest yearly record, raw columns, no labels; the time to
the CSV's first bytes (the header, before the first household is read); and the
process's peak resident memory after each real export, measured before any row
is held in memory (the streams keep it flat: a chunk of households at a time).
"""

import csv
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGION = os.environ.get("BENCH_EXPORT_REGION", "623021")
# The members present, each with its household's and latest yearly record's columns as stored.
BARE_COPY = """
    SELECT h.*, y.*, m.* FROM households_household h
    JOIN households_member m ON m.household_id = h.id AND m.left_on IS NULL
    LEFT JOIN LATERAL (
        SELECT * FROM households_householdyear y0 WHERE y0.household_id = h.id ORDER BY y0.year DESC LIMIT 1
    ) y ON true
    WHERE h.id = ANY(%(ids)s) ORDER BY h.code, m.id
"""


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from households.exports import _copied, roster_download, roster_rows, roster_xlsx
    from households.selectors import household_list
    from villages.models import Division

    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None:
        print("no admin user: run seed_demo first")
        return
    households = household_list(user=admin, division=Division.objects.get(code=REGION).prefix)

    def xlsx(source) -> None:
        with tempfile.TemporaryFile() as out:
            roster_xlsx(source, out)

    before = _peak_mb()
    start = time.perf_counter()
    stream = roster_download(households, full_ids=False)
    next(stream), next(stream)
    first = time.perf_counter() - start
    csv_real = first + _seconds(lambda: sum(len(chunk) for chunk in stream))
    csv_peak = _peak_mb()
    xlsx_real = _seconds(lambda: xlsx(roster_rows(households, full_ids=False)))
    xlsx_peak = _peak_mb()

    rows = list(roster_rows(households, full_ids=False))
    held = _peak_mb()
    print(f"region {REGION}: {households.count():,} households, {len(rows) - 1:,} member rows, {len(rows[0])} columns")
    csv_floor = _seconds(lambda: csv.writer(io.StringIO()).writerows(rows))
    xlsx_floor = _seconds(lambda: xlsx(iter(rows)))
    print(f"{'':12}{'real (s)':>10}{'writer alone (s)':>18}{'ratio':>8}{'peak RSS (MB)':>15}")
    print(f"{'CSV':12}{csv_real:>10.1f}{csv_floor:>18.1f}{csv_real / csv_floor:>8.1f}{csv_peak:>15.0f}")
    print(f"{'XLSX':12}{xlsx_real:>10.1f}{xlsx_floor:>18.1f}{xlsx_real / xlsx_floor:>8.1f}{xlsx_peak:>15.0f}")
    if connection.vendor == "postgresql":
        copy_floor = _seconds(lambda: _copied(BARE_COPY, {"ids": list(households.values_list("pk", flat=True))}))
        print(
            f"CSV against a bare COPY of the same rows: {csv_real:.1f} / {copy_floor:.1f} s"
            f" = {csv_real / copy_floor:.1f}"
        )
    print(f"CSV first bytes after {first:.3f} s")
    print(f"peak RSS: {before:.0f} MB before the exports; {held:.0f} MB once the same rows are held in memory")


if __name__ == "__main__":
    main()
