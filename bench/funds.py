"""The prefecture's funds summary (funds.selectors.funds_summary, 2015) against hand-written SQL.

Each row times one figure group through the app (ORM selectors) and through the
shortest SQL we could write for the same numbers (the lower bound); both must
agree. Run after `seed_demo` (`make bench`); target ratio ≤ 1.5.
"""

import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from funds import selectors  # noqa: E402
from funds.models import CAUSE_PROGRAMMES, SPECIAL_KINDS, Disbursement  # noqa: E402
from villages.models import Division  # noqa: E402

YEAR = 2015
REGION = "623000"
REPEAT = 15
POOR = ("identified", "returned")
EXITED = ("exited_stable", "exited_consolidating")
ABLE = ("skilled", "ordinary", "weak")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def sql(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def sql_share(prefix: str) -> tuple:
    return sql(
        f"""
        SELECT COALESCE(SUM(d.amount), 0), COALESCE(SUM(CASE WHEN d.household_id IS NOT NULL THEN d.amount END), 0)
        FROM funds_disbursement d JOIN funds_fundsource s ON s.id = d.source_id
        WHERE d.village_id LIKE %s AND s.kind IN ({_in(SPECIAL_KINDS)})""",
        [prefix + "%"],
    )[0]


def sql_support(prefix: str) -> tuple:
    end = date(YEAR, 12, 31)
    return sql(
        f"""
        SELECT COUNT(*), COALESCE(SUM(support), 0), COALESCE(SUM(CASE WHEN support < 20000 THEN 1 ELSE 0 END), 0)
        FROM (SELECT COALESCE((SELECT SUM(d.amount) FROM funds_disbursement d
                               WHERE d.household_id = h.id AND d.date <= %s), 0) AS support
              FROM households_household h
              WHERE h.village_id LIKE %s AND h.id IN (
                SELECT c.household_id FROM households_statuschange c
                WHERE c.status IN ({_in(EXITED)}) AND c.previous_status IN ({_in(POOR)})
                AND c.date BETWEEN %s AND %s)) x""",
        [end, prefix + "%", date(YEAR, 1, 1), end],
    )[0]


def sql_loans(prefix: str) -> tuple:
    end = date(YEAR, 12, 31)
    households = sql(
        f"""
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM funds_loan l WHERE l.household_id = h.id
                                                     AND l.issued_on <= %s) THEN 1 ELSE 0 END), 0)
        FROM households_household h
        WHERE h.village_id LIKE %s
          AND h.id IN (SELECT c.household_id FROM households_statuschange c WHERE c.date <= %s
                       AND c.status IN ({_in(POOR)}) AND (c.ended_on IS NULL OR c.ended_on > %s))
          AND EXISTS (SELECT 1 FROM households_member m WHERE m.household_id = h.id AND m.labour IN ({_in(ABLE)})
                      AND m.birth_date <= %s AND m.birth_date > %s)""",
        [end, prefix + "%", end, end, date(YEAR - 18, 12, 31), date(YEAR - 66, 12, 31)],
    )[0]
    book = sql(
        """
        SELECT COALESCE(SUM(l.amount), 0),
               COALESCE(SUM(CASE WHEN l.status IN ('current', 'overdue') THEN l.amount END), 0),
               COALESCE(SUM(CASE WHEN l.status = 'overdue' THEN l.amount END), 0)
        FROM funds_loan l JOIN households_household h ON h.id = l.household_id
        WHERE h.village_id LIKE %s AND l.issued_on <= %s""",
        [prefix + "%", end],
    )[0]
    return households + book


def sql_mutual_aid(prefix: str) -> tuple:
    end = date(YEAR, 12, 31)
    p = prefix + "%"
    villages = sql(
        """
        SELECT COUNT(*), COUNT(f.id) FROM villages_division v
        LEFT JOIN funds_mutualaidfund f ON f.village_id = v.code AND f.founded_year <= %s
        WHERE v.level = 'village' AND v.code LIKE %s""",
        [YEAR, p],
    )[0]
    capital = sql(
        """SELECT COALESCE(SUM(c.amount), 0) FROM funds_mutualaidcapital c
                     JOIN funds_mutualaidfund f ON f.id = c.fund_id WHERE f.village_id LIKE %s AND c.year <= %s""",
        [p, YEAR],
    )[0]
    members = sql(
        """SELECT COUNT(DISTINCT m.household_id) FROM funds_mutualaidmember m
                     JOIN funds_mutualaidfund f ON f.id = m.fund_id WHERE f.village_id LIKE %s AND m.joined_on <= %s""",
        [p, end],
    )[0]
    book = sql(
        """
        SELECT COALESCE(SUM(l.amount), 0), COALESCE(SUM(r.paid), 0),
               COALESCE(SUM(CASE WHEN l.due_on < %s THEN l.amount - COALESCE(r.paid, 0) END), 0)
        FROM funds_mutualaidloan l JOIN funds_mutualaidfund f ON f.id = l.fund_id
        LEFT JOIN (SELECT loan_id, SUM(amount) AS paid FROM funds_mutualaidrepayment
            WHERE date <= %s GROUP BY loan_id) r
          ON r.loan_id = l.id
        WHERE f.village_id LIKE %s AND l.issued_on <= %s""",
        [end, end, p, end],
    )[0]
    return villages + capital + members + book


def sql_gaps(prefix: str) -> tuple:
    end = date(YEAR, 12, 31)
    groups: dict[tuple, list[int]] = {}
    for cause, programmes in CAUSE_PROGRAMMES.items():
        groups.setdefault(tuple(programmes), []).append(int(cause))
    clauses = " OR ".join(
        f"(h.main_cause IN ({', '.join(map(str, causes))}) AND NOT EXISTS (SELECT 1 FROM funds_measure m "
        f"WHERE m.household_id = h.id AND m.programme IN ({_in(programmes)}) AND m.year <= {YEAR}))"
        for programmes, causes in groups.items()
    )
    rows = sql(
        f"""
        SELECT h.main_cause, COUNT(*) FROM households_household h
        WHERE h.village_id LIKE %s
          AND h.id IN (SELECT c.household_id FROM households_statuschange c WHERE c.date <= %s
                       AND c.status IN ({_in(POOR)}) AND (c.ended_on IS NULL OR c.ended_on > %s))
          AND ({clauses})
        GROUP BY h.main_cause""",
        [prefix + "%", end, end],
    )
    return tuple(sorted(rows))


def sql_cost(prefix: str) -> tuple:
    spent = sql(
        "SELECT COALESCE(SUM(amount), 0) FROM funds_disbursement WHERE village_id LIKE %s AND date BETWEEN %s AND %s",
        [prefix + "%", date(YEAR, 1, 1), date(YEAR, 12, 31)],
    )[0]
    exited = sql(
        f"""
        SELECT COALESCE(SUM(h.member_count), 0) FROM households_household h WHERE h.village_id LIKE %s
        AND h.id IN (SELECT c.household_id FROM households_statuschange c WHERE c.status IN ({_in(EXITED)})
                     AND c.previous_status IN ({_in(POOR)}) AND c.date BETWEEN %s AND %s)""",
        [prefix + "%", date(YEAR, 1, 1), date(YEAR, 12, 31)],
    )[0]
    return spent + exited


def best_ms(*fns) -> list[tuple[float, Any]]:
    """Best time (ms) and result of each function, run in turns so that load on the machine hits all alike."""
    times: list[list[float]] = [[] for _f in fns]
    results: list[Any] = [None] * len(fns)
    for _i in range(REPEAT):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            results[k] = fn()
            times[k].append((time.perf_counter() - start) * 1000)
    return [(min(t), r) for t, r in zip(times, results, strict=True)]


def _plain(values) -> tuple:
    return tuple(Decimal(v) if isinstance(v, (int, float, Decimal, str)) else v for v in values)


def main() -> None:
    region = Division.objects.get(code=REGION)
    p = region.prefix
    rows = Disbursement.objects.count()
    if not rows:
        print("no funds in the database: run `manage.py seed_demo` first")
        return
    groups = [
        (
            "to_household_share",
            lambda: selectors.to_household_share(region=region),
            lambda: sql_share(p),
            lambda r: (r["special_disbursed"], r["special_to_households"]),
        ),
        (
            "household_support",
            lambda: selectors.household_support(region=region, year=YEAR),
            lambda: sql_support(p),
            lambda r: (
                r["exited_households"],
                r["exited_household_support"],
                r["exited_households_below_support_line"],
            ),
        ),
        (
            "loan_coverage",
            lambda: selectors.loan_coverage(region=region, year=YEAR),
            lambda: sql_loans(p),
            lambda r: (
                r["loan_eligible_households"],
                r["loan_households"],
                r["loans_lent"],
                r["loans_outstanding"],
                r["loans_overdue"],
            ),
        ),
        (
            "mutual_aid",
            lambda: selectors.mutual_aid(region=region, year=YEAR),
            lambda: sql_mutual_aid(p),
            lambda r: (
                r["villages"],
                r["mutual_aid_villages"],
                r["mutual_aid_capital"],
                r["mutual_aid_member_households"],
                r["mutual_aid_lent"],
                r["mutual_aid_lent"] - r["mutual_aid_outstanding"],
                r["mutual_aid_overdue"],
            ),
        ),
        (
            "cause_measure_gaps",
            lambda: selectors.cause_measure_gaps(region=region, year=YEAR),
            lambda: sql_gaps(p),
            lambda r: tuple(sorted((int(k), v) for k, v in r["cause_measure_gaps_by_cause"].items())),
        ),
        (
            "cost_per_exited_person",
            lambda: selectors.cost_per_exited_person(region=region, year=YEAR),
            lambda: sql_cost(p),
            lambda r: (r["funds_disbursed"], r["exited_population"]),
        ),
    ]
    print(f"funds summary, {region.name} {YEAR}, {connection.vendor}, {rows} disbursements; best of {REPEAT}")
    print(f"{'figure':<24}{'rows':>10}{'app ms':>10}{'SQL ms':>10}{'ratio':>8}  same")
    total_app = total_sql = 0.0
    for name, app, raw, key in groups:
        (app_ms, app_result), (sql_ms, sql_result) = best_ms(app, raw)
        same = (
            _plain(key(app_result)) == _plain(sql_result)
            if name != "cause_measure_gaps"
            else (key(app_result) == tuple((int(c), n) for c, n in sql_result))
        )
        total_app += app_ms
        total_sql += sql_ms
        print(f"{name:<24}{rows:>10}{app_ms:>10.1f}{sql_ms:>10.1f}{app_ms / sql_ms:>8.2f}  {'yes' if same else 'NO'}")
    print(f"{'funds_summary (all)':<24}{rows:>10}{total_app:>10.1f}{total_sql:>10.1f}{total_app / total_sql:>8.2f}")


if __name__ == "__main__":
    main()
