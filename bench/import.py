"""Roster import speed against PostgreSQL COPY (the lower bound).

Generates a roster of 100,000 members (25,000 households) as CSV, imports it
through the real import path (`households_import`, as an admin) into the
database `gannan_bench_import`, then COPYs the same rows into plain tables of
the same shape. Prints rows per second for both and the ratio (target ≤ 3).

Runs in a child process so its database settings never mix with the other
benches. BENCH_IMPORT_DB overrides the database URL; BENCH_IMPORT_MEMBERS the size.
"""

import csv
import io
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("BENCH_IMPORT_DB", "postgres://postgres@127.0.0.1:5432/gannan_bench_import")
MEMBERS = int(os.environ.get("BENCH_IMPORT_MEMBERS", "100000"))


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "gannan.settings",
        "DJANGO_DEBUG": "true",
        "IMPORT_MAX_BYTES": str(200 * 1024 * 1024),
    }
    subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT, check=True)


def _recreate_database() -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = DB_URL.rsplit("/", 1)
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def roster(members: int) -> tuple[bytes, int]:
    """A roster CSV of about `members` rows (households of 2 to 6), every ID valid and distinct."""
    from stdnum.cn import ric

    townships = ["623021100", "623021101", "623022100"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "户编号",
            "行政区划代码",
            "姓名",
            "证件号码",
            "与户主关系",
            "贫困户属性",
            "主要致贫原因",
            "识别年度",
            "脱贫年度",
            "脱贫类型",
            "返贫年度",
            "人均纯收入",
            "联系电话",
            "帮扶责任人",
        ]
    )
    relations = ["子", "女", "配偶", "父母", "孙子女"]
    causes = ["因病", "因残", "因学", "缺技术", "缺资金", "缺劳力"]
    n = households = 0
    while n < members:
        size = 2 + households % 5
        village = f"{townships[households % 3]}{201 + households % 40:03d}"
        identified = 2014 + households % 3
        exited = identified + 1 + households % 3 if households % 2 else ""
        kind = ("稳定脱贫" if households % 4 == 1 else "巩固提升") if exited else ""
        returned = exited + 1 if isinstance(exited, int) and households % 10 == 3 and exited < 2019 else ""
        income = f"{3000 + (households * 37) % 4000}.00"
        code = f"B{households:07d}"
        for i in range(size):
            born = date(1950, 1, 1) + timedelta(days=(n // 500) % 20000)
            body = f"623021{born:%Y%m%d}{n % 500 * 2 + (1 if i % 2 == 0 else 0):03d}"
            writer.writerow(
                [
                    code,
                    village,
                    f"成员{n}",
                    body + ric.calc_check_digit(body + "0"),
                    "户主" if i == 0 else relations[i % 5],
                    1 + households % 3,
                    causes[households % 6],
                    identified,
                    exited,
                    kind,
                    returned,
                    income,
                    f"139{households:08d}",
                    "帮扶干部",
                ]
            )
            n += 1
        households += 1
    return out.getvalue().encode("utf-8"), households


COPY_TABLES = {
    "households_household": "bench_household",
    "households_member": "bench_member",
    "households_statuschange": "bench_statuschange",
    "households_householdyear": "bench_householdyear",
}


def copy_lower_bound() -> tuple[float, int]:
    """COPY the rows the import wrote (read back as text) into same-shaped plain tables; seconds and member rows."""
    import psycopg2

    connection = psycopg2.connect(DB_URL)
    dumps = {}
    with connection.cursor() as cur:
        for table, copy in COPY_TABLES.items():
            cur.execute(f"DROP TABLE IF EXISTS {copy}")
            cur.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS)")
            buffer = io.StringIO()
            cur.copy_expert(f"COPY {table} TO STDOUT", buffer)
            dumps[copy] = buffer.getvalue()
        connection.commit()
        started = time.perf_counter()
        for copy, data in dumps.items():
            cur.copy_expert(f"COPY {copy} FROM STDIN", io.StringIO(data))
        connection.commit()
        seconds = time.perf_counter() - started
        cur.execute("SELECT count(*) FROM bench_member")
        rows = cur.fetchone()[0]
    connection.close()
    return seconds, rows


def child() -> None:
    sys.path.insert(0, str(ROOT))
    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Role, User
    from households.importers import households_import
    from villages.models import Division, Level
    from villages.services import divisions_load

    call_command("migrate", verbosity=0)
    divisions_load()
    for township in ("623021100", "623021101", "623022100"):
        Division.objects.bulk_create(
            [
                Division(
                    code=f"{township}{201 + i:03d}",
                    name=f"村{township[-3:]}{i}",
                    level=Level.VILLAGE,
                    parent_id=township,
                )
                for i in range(40)
            ]
        )
    admin = User.objects.create_user(username="bench", password="x", role=Role.ADMIN)
    data, households = roster(MEMBERS)
    print(f"roster: {MEMBERS} members, {households} households, {len(data) / 1024 / 1024:.1f} MB CSV")
    started = time.perf_counter()
    report = households_import(data=data, file_name="bench.csv", user=admin)
    seconds = time.perf_counter() - started
    if not report.ok:
        print("\n".join(str(p) for p in report.errors[:20]))
        raise SystemExit("bench import failed")
    copy_seconds, copied = copy_lower_bound()
    import_rate = MEMBERS / seconds
    copy_rate = copied / copy_seconds
    print(f"{'path':<28}{'seconds':>10}{'rows/s':>12}")
    print(f"{'import (households_import)':<28}{seconds:>10.2f}{import_rate:>12,.0f}")
    print(f"{'COPY (4 same-shaped tables)':<28}{copy_seconds:>10.2f}{copy_rate:>12,.0f}")
    print(f"ratio import/COPY: {copy_rate / import_rate:.1f} (target ≤ 3)")


if __name__ == "__main__" and "--child" in sys.argv:
    child()
