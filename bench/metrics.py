"""Metrics benchmark: the app's aggregation against a hand-written SQL lower bound, and the overview under load.

1. On the demo data at scale 1 and 10 (one database each, built with
   `seed_demo --scale` when missing), time the prefecture's summary and its
   breakdown by county through the app (queries → pandas → dict) and through
   one hand-written SQL GROUP BY that returns the same numbers (checked).
2. Serve each scale's database with gunicorn and let wrk (8 connections, logged
   in) fetch the prefecture's overview and a trivial page (the login form) of
   the same server; print p50/p95 and their ratio. Twice: with the dashboard
   cache off (METRICS_CACHE_SECONDS=0 in gunicorn's environment) and on (60).

Run: `python bench/metrics.py` (or `make bench`). Databases: PostgreSQL
gannan_bench_1 / gannan_bench_10 on BENCH_PG (default
postgres://postgres@127.0.0.1:5432), else SQLite files under /tmp.
Environment: BENCH_SCALES ("1,10"), BENCH_REPEAT (7), BENCH_WRK_SECONDS (10).
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
YEAR = 2015
PREFECTURE = "623000"

# The register's figures from the status spans and the members' spans (register.md): household counts from the
# changes alone, population from each change joined to the members present at the year's end (stocks) or on the day
# of the change (flows), and natural change from the members joining or leaving a poor span during the year.
POOR = "('identified', 'returned')"
_FLOWS = [
    ("new_identified", "status = 'identified'"),
    ("exited_stable", f"status = 'exited_stable' AND previous_status IN {POOR}"),
    ("exited_consolidating", f"status = 'exited_consolidating' AND previous_status IN {POOR}"),
    ("returned", "status = 'returned'"),
    ("removed", "status = 'removed'"),
    ("removed_while_poor", f"status = 'removed' AND previous_status IN {POOR}"),
    ("dissolved", "status = 'dissolved'"),
    ("dissolved_while_poor", f"status = 'dissolved' AND previous_status IN {POOR}"),
]
_AT_END = "(ended_on IS NULL OR ended_on > %(end)s)"
_STOCKS = [
    ("poor", f"status IN {POOR}"),
    ("supported", "status IN ('identified', 'returned', 'exited_consolidating')"),
    ("registered", "status NOT IN ('removed', 'dissolved')"),
]
HOUSEHOLD_KEYS = ["poor_households", *(f"{kind}_households" for kind, _ in _FLOWS)]
POPULATION_KEYS = [
    *(f"{kind}_population" for kind, _ in _STOCKS),
    *(f"{kind}_population" for kind, _ in _FLOWS),
    "natural_joined",
    "natural_left",
]
SQL_KEYS = HOUSEHOLD_KEYS + POPULATION_KEYS
_PRESENT_END = "(joined_on <= %(end)s AND (left_on IS NULL OR left_on > %(end)s))"
_PRESENT_DAY = "(joined_on <= date AND (left_on IS NULL OR left_on > date))"
_UNTIL_NEXT = "(ended_on IS NULL OR {day} <= ended_on)"
_JOINED = (
    f"(joined_on >= %(start)s AND joined_on <= %(end)s AND joined_on > date AND {_UNTIL_NEXT.format(day='joined_on')})"
)
_LEFT = (
    "(left_on >= %(start)s AND left_on <= %(end)s AND left_on > date AND left_on > joined_on"
    f" AND {_UNTIL_NEXT.format(day='left_on')})"
)


def _sum(condition: str, value: str = "1") -> str:
    return f"SUM(CASE WHEN {condition} THEN {value} ELSE 0 END)"


_HOUSEHOLD_SUMS = [_sum(f"{_AT_END} AND {_STOCKS[0][1]}")] + [
    _sum(f"date >= %(start)s AND {condition}") for _, condition in _FLOWS
]
_POPULATION_SUMS = (
    [_sum(f"{_AT_END} AND {condition} AND {_PRESENT_END}") for _, condition in _STOCKS]
    + [_sum(f"date >= %(start)s AND {condition} AND {_PRESENT_DAY}") for _, condition in _FLOWS]
    + [_sum(f"status IN {POOR} AND {_JOINED}"), _sum(f"status IN {POOR} AND {_LEFT}")]
)
_ZEROS = ", ".join("0" for _ in POPULATION_KEYS)
# The status spans of the region that touch the year, written out in both halves of the UNION: as a shared CTE,
# PostgreSQL materialises it and the statement takes half as long again.
_SPANS = """(
    SELECT {child} AS child, sc.household_id, sc.status, sc.previous_status, sc.date, sc.ended_on,
           h.main_cause, h.attribute
    FROM households_statuschange sc JOIN households_household h ON h.id = sc.household_id
    WHERE h.village_id LIKE %(prefix)s AND sc.date <= %(end)s AND (sc.ended_on IS NULL OR sc.ended_on >= %(start)s)
) s"""
SUMMARY_SQL = f"""
SELECT child, main_cause, attribute, {", ".join(_HOUSEHOLD_SUMS)}, {_ZEROS}
FROM {_SPANS} GROUP BY child, main_cause, attribute
UNION ALL
SELECT child, main_cause, attribute, {", ".join("0" for _ in HOUSEHOLD_KEYS)}, {", ".join(_POPULATION_SUMS)}
FROM {_SPANS} JOIN households_member m ON m.household_id = s.household_id
WHERE m.joined_on <= COALESCE(s.ended_on, %(end)s) AND (m.left_on IS NULL OR m.left_on > s.date)
GROUP BY child, main_cause, attribute
"""
RURAL_SQL = """
SELECT {child} AS child, SUM(v.rural_population), SUM(CASE WHEN v.year < %(year)s THEN 1 ELSE 0 END)
FROM villages_villageyear v
WHERE v.village_id LIKE %(prefix)s AND v.rural_population IS NOT NULL AND v.year <= %(year)s
  AND NOT EXISTS (SELECT 1 FROM villages_villageyear w WHERE w.village_id = v.village_id
                  AND w.rural_population IS NOT NULL AND w.year > v.year AND w.year <= %(year)s)
GROUP BY child
"""
# The same figures read from the villages' rollups (metrics.RegisterRollup): one GROUP BY over at most
# villages × (1 + causes + attributes) rows of the year; a village's `latest` row stands for the later years
# with its stocks (flows only in their own year), as the app reads them.
ROLLUP_SQL = """
SELECT {child} AS child, r.kind, r.code, {sums}
FROM metrics_registerrollup r
WHERE r.village_id LIKE %(prefix)s AND (r.year = %(year)s OR (r.latest AND r.year < %(year)s))
GROUP BY child, r.kind, r.code
"""
VILLAGES_SQL = """
SELECT {child} AS child, COUNT(*) FROM villages_division d
WHERE d.level = 'village' AND d.is_poor_village AND d.code LIKE %(prefix)s
  AND (d.poor_listed_year IS NULL OR d.poor_listed_year <= %(year)s)
      AND (d.poor_exit_year IS NULL OR d.poor_exit_year > %(year)s)
GROUP BY child
"""


def database_url(scale: int) -> str:
    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    if shutil.which("pg_isready") and subprocess.run(["pg_isready", "-q", "-d", pg + "/postgres"]).returncode == 0:
        return f"{pg}/gannan_bench_{scale}"
    return f"sqlite:////tmp/gannan_bench_{scale}.sqlite3"


def env_for(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "gannan.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-only-secret-key",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_SSL_REDIRECT": "false",  # plain HTTP on loopback: measure pages, not redirects to https
            **extra,
        }
    )
    return env


def manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env_for(url), capture_output=True, text=True)


def ensure_demo(scale: int, url: str) -> None:
    """Create, migrate and seed the scale's database unless its demo is already there; collect the static files.

    The pages are served with DEBUG off (the production settings), whose static storage needs the
    collected manifest: the in-process page row and gunicorn both render through it.
    """
    if url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        subprocess.run(["psql", "-q", "-d", base + "/postgres", "-c", f"CREATE DATABASE {name}"], capture_output=True)
    done = manage(url, "migrate", "--noinput", "-v0")
    if done.returncode:
        raise SystemExit(done.stderr)
    started = time.monotonic()
    seeded = manage(url, "seed_demo", "--scale", str(scale))
    if seeded.returncode:
        raise SystemExit(seeded.stderr)
    if "already there" not in seeded.stdout:
        print(f"  seeded scale {scale} in {time.monotonic() - started:.0f} s")
    collected = manage(url, "collectstatic", "--noinput", "-v0")
    if collected.returncode:
        raise SystemExit(collected.stderr)


# --- inside one database (run as a subprocess: the settings bind the database) ------------------


def _lower_bound(prefix: str, child_len: int | None) -> dict:
    """The summary's numbers (per child) from three hand-written GROUP BYs sent as one statement each."""
    poor_index = SQL_KEYS.index("poor_population")
    from django.db import connection

    child = f"SUBSTR({{col}}, 1, {child_len})" if child_len else "''"
    params: dict[str, str | int] = {
        "prefix": prefix + "%",
        "start": f"{YEAR}-01-01",
        "end": f"{YEAR}-12-31",
        "year": YEAR,
    }
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL.format(child=child.format(col="h.village_id")), params)
        for child_code, cause, attribute, *values in cursor.fetchall():
            row = out.setdefault(child_code, {k: 0 for k in SQL_KEYS} | {"by_cause": {}, "by_attribute": {}})
            for key, value in zip(SQL_KEYS, values, strict=True):
                row[key] += int(value or 0)
            poor = int(values[poor_index] or 0)
            if poor:
                row["by_cause"][str(cause)] = row["by_cause"].get(str(cause), 0) + poor
                row["by_attribute"][str(attribute)] = row["by_attribute"].get(str(attribute), 0) + poor
        cursor.execute(RURAL_SQL.format(child=child.format(col="v.village_id")), params)
        rural = {c: (int(p), int(k)) for c, p, k in cursor.fetchall()}
        cursor.execute(VILLAGES_SQL.format(child=child.format(col="d.code")), params)
        villages = {c: int(n) for c, n in cursor.fetchall()}
    for code, row in out.items():
        row["natural_change_population"] = row.pop("natural_joined") - row.pop("natural_left")
        for unit in ("households", "population"):
            row[f"exited_{unit}"] = row[f"exited_stable_{unit}"] + row[f"exited_consolidating_{unit}"]
        people, carried = rural.get(code, (None, 0))
        row["rural_population"], row["rural_population_carried_forward"] = people, carried
        row["poverty_incidence"] = round(row["poor_population"] / people * 100, 2) if people else None
        row["poor_villages"] = villages.get(code, 0)
    return out


def _rollup_bound(prefix: str, child_len: int | None) -> dict:
    """The summary's numbers (per child) from one hand-written GROUP BY over the rollup rows, plus the same
    rural-population and poor-village statements as the spans bound (those figures are not in the rollups)."""
    from django.db import connection

    from metrics.compute import FLOW_KEYS, REGISTER_KEYS

    child = f"SUBSTR({{col}}, 1, {child_len})" if child_len else "''"
    params: dict[str, str | int] = {"prefix": prefix + "%", "year": YEAR}
    sums = ", ".join(
        f"SUM(CASE WHEN r.year = %(year)s THEN r.{k} ELSE 0 END)" if k in FLOW_KEYS else f"SUM(r.{k})"
        for k in REGISTER_KEYS
    )
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL.format(child=child.format(col="r.village_id"), sums=sums), params)
        for child_code, kind, code, *values in cursor.fetchall():
            row = out.setdefault(child_code, {k: 0 for k in REGISTER_KEYS} | {"by_cause": {}, "by_attribute": {}})
            if kind == "":
                for key, value in zip(REGISTER_KEYS, values, strict=True):
                    row[key] += int(value or 0)
            elif values[REGISTER_KEYS.index("poor_population")]:
                split = row["by_cause" if kind == "main_cause" else "by_attribute"]
                split[str(code)] = int(values[REGISTER_KEYS.index("poor_population")])
        cursor.execute(RURAL_SQL.format(child=child.format(col="v.village_id")), params)
        rural = {c: (int(p), int(k)) for c, p, k in cursor.fetchall()}
        cursor.execute(VILLAGES_SQL.format(child=child.format(col="d.code")), params)
        villages = {c: int(n) for c, n in cursor.fetchall()}
    for code, row in out.items():
        people, carried = rural.get(code, (None, 0))
        row["rural_population"], row["rural_population_carried_forward"] = people, carried
        row["poverty_incidence"] = round(row["poor_population"] / people * 100, 2) if people else None
        row["poor_villages"] = villages.get(code, 0)
    return out


def _timed(fn, repeat: int) -> tuple[float, Any, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up: connection, caches, plans
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result, len(ctx.captured_queries)


def _page_row(repeat: int) -> dict[str, Any]:
    """The prefecture's overview as the admin gets it in-process (dashboard cache off), against the login form."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.METRICS_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(get_user_model().objects.filter(is_superuser=True).get())

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    app_ms, _r, app_q = _timed(lambda: get("/"), repeat)
    login = Client()
    sql_ms, _r, sql_q = _timed(lambda: login.get("/accounts/login/"), repeat)
    return {
        "what": "overview page",
        "bound": "login",
        "app_ms": app_ms,
        "sql_ms": sql_ms,
        "app_queries": app_q,
        "sql_queries": sql_q,
        "same": True,
    }


def worker() -> None:
    import django

    django.setup()
    from households.models import Household
    from metrics.selectors import metrics_breakdown, metrics_summary
    from villages.models import Division

    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    prefecture = Division.objects.get(code=PREFECTURE)
    rows = []
    app_ms, summary, app_q = _timed(lambda: metrics_summary(division=prefecture, year=YEAR), repeat)
    for bound_name, bound_fn in (("spans", _lower_bound), ("rollups", _rollup_bound)):
        sql_ms, bound, sql_q = _timed(lambda fn=bound_fn: fn(prefecture.prefix, None), repeat)
        same = all(summary[k] == v for k, v in bound[""].items())
        rows.append(
            {
                "what": "summary 623000",
                "bound": bound_name,
                "app_ms": app_ms,
                "sql_ms": sql_ms,
                "app_queries": app_q,
                "sql_queries": sql_q,
                "same": same,
            }
        )
    app_ms, breakdown, app_q = _timed(lambda: metrics_breakdown(division=prefecture, year=YEAR), repeat)
    for bound_name, bound_fn in (("spans", _lower_bound), ("rollups", _rollup_bound)):
        sql_ms, bound, sql_q = _timed(lambda fn=bound_fn: fn(prefecture.prefix, 6), repeat)
        same = all(
            bound.get(c["region"]["code"], {}).get(k, v) == v
            for c in breakdown["children"]
            for k, v in c.items()
            if k != "region"
        ) and all(any(c["region"]["code"] == code for c in breakdown["children"]) for code in bound)
        rows.append(
            {
                "what": "breakdown by county",
                "bound": bound_name,
                "app_ms": app_ms,
                "sql_ms": sql_ms,
                "app_queries": app_q,
                "sql_queries": sql_q,
                "same": same,
            }
        )
    rows.append(_page_row(repeat))
    print(
        json.dumps(
            {
                "households": Household.objects.count(),
                "rows": rows,
                "poor_2015": summary["poor_population"],
                "incidence_2015": summary["poverty_incidence"],
            }
        )
    )


# --- the page under load ------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
                         summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def _session_cookie(url: str) -> str:
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.contrib.auth import get_user_model\n"
        "c = Client(); c.force_login(get_user_model().objects.get(username='zhou_official'))\n"
        "print(c.cookies['sessionid'].value)\n"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env_for(url), capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, cookie: str, seconds: int, script: str) -> tuple[float, float, int, int]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script,
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+)", out)
    if match is None:
        raise RuntimeError(f"wrk printed no RESULT line:\n{out}")
    p50, p95, requests, errors = (int(g) for g in match.groups())
    return p50 / 1000, p95 / 1000, requests, errors


def _serve_and_measure(url: str, cookie: str, cache_seconds: int, seconds: int) -> tuple:
    port = _free_port()
    workers = os.environ.get("BENCH_GUNICORN_WORKERS", "4")
    # The project's settings read the dashboard cache's lifetime from the environment (default 60 s): set it, always.
    env = env_for(url, DJANGO_CONN_MAX_AGE="600", METRICS_CACHE_SECONDS=str(cache_seconds))
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "gannan.wsgi", "-b", f"127.0.0.1:{port}", "-w", workers, "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(WRK_SCRIPT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(int(workers) * 2):  # let every worker open its connection (and fill its cache, if on)
            subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-b", f"sessionid={cookie}", f"{base}/?year={YEAR}"], check=False
            )
        for path in ("/accounts/login/", f"/?year={YEAR}"):  # wrk counts a redirect as an answer: insist on 200
            code = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", f"sessionid={cookie}", base + path],
                capture_output=True,
                text=True,
            ).stdout
            if code != "200":
                raise SystemExit(f"{path} answered {code}, not 200: the page benchmark would measure something else")
        trivial = _wrk(f"{base}/accounts/login/", cookie, seconds, f.name)
        overview = _wrk(f"{base}/?year={YEAR}", cookie, seconds, f.name)
        os.unlink(f.name)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return workers, trivial, overview


def page_bench(url: str, scale: int) -> None:
    if not shutil.which("wrk"):
        print("  wrk is not installed (apt-get install wrk): page benchmark skipped")
        return
    cookie = _session_cookie(url)
    seconds = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
    for label, cache_seconds in [
        ("dashboard cache off (METRICS_CACHE_SECONDS=0)", 0),
        ("dashboard cache on (METRICS_CACHE_SECONDS=60)", 60),
    ]:
        workers, trivial, overview = _serve_and_measure(url, cookie, cache_seconds, seconds)
        print(f"\n  {label}: gunicorn -w {workers}, wrk -t2 -c8 -d{seconds}s on loopback, zhou_official, scale {scale}")
        print(f"  {'page':<34} {'p50 ms':>9} {'p95 ms':>9} {'requests':>9} {'errors':>7}")
        for name, (p50, p95, n, errors) in [
            ("trivial (/accounts/login/)", trivial),
            (f"overview 623000 ({YEAR})", overview),
        ]:
            print(f"  {name:<34} {p50:9.1f} {p95:9.1f} {n:9d} {errors:7d}")
        ratio = (
            f"{overview[1] / trivial[1]:.1f}" if overview[2] and trivial[1] else "n/a (no overview answered in time)"
        )
        if trivial[3] or overview[3]:
            ratio += "  — INVALID: some answers were errors (non-2xx or socket errors)"
        print(f"  overview p95 / trivial p95 = {ratio} (target ≤ 3)")


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",")]
    results = {}
    for scale in scales:
        url = database_url(scale)
        ensure_demo(scale, url)
        out = subprocess.run([PYTHON, __file__, "--worker"], cwd=ROOT, env=env_for(url), capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
        results[scale] = (url, json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"\n  Metrics for {YEAR}, median of {os.environ.get('BENCH_REPEAT', '7')} runs; "
        "SQL = hand-written GROUP BY over the member spans or over the rollup rows, same numbers"
    )
    print(
        f"  {'scale':>5} {'households':>10} {'what':<22} {'bound':<8} {'app ms':>8} {'SQL ms':>8} {'ratio':>6} "
        f"{'queries':>8} {'same':>5}"
    )
    for scale, (_url, r) in results.items():
        for row in r["rows"]:
            ratio = row["app_ms"] / row["sql_ms"]
            print(
                f"  {scale:>5} {r['households']:>10,} {row['what']:<22} {row['bound']:<8} {row['app_ms']:8.1f} "
                f"{row['sql_ms']:8.1f} {ratio:6.2f} "
                f"{row['app_queries']:>3} / {row['sql_queries']:<2} {'yes' if row['same'] else 'NO':>5}"
            )
    print("  (queries: app / SQL; target ratio ≤ 1.2 against the rollups)")
    for scale, (url, _r) in results.items():  # the target holds at every scale: the same rows are read
        page_bench(url, scale)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if "--worker" in sys.argv:
        worker()
    else:
        main()
