"""Roster import speed against PostgreSQL COPY into the real tables (the lower bound), and its audit bytes.

Generates a roster of 100,000 members (25,000 households) as CSV, imports it
through the real import path (`households_import`, as an admin) into the
database `gannan_bench_import`, then COPYs the rows the import wrote back into
the same tables, emptied, with their indexes and their foreign keys checked at
once (in a transaction rolled back afterwards). Prints a table: members,
import seconds, COPY seconds, the ratio (target ≤ 3) and the bytes of the
import's audit trail (the JSON text of its entries).

Runs in a child process so its database settings never mix with the other
benches. BENCH_IMPORT_DB overrides the database URL; BENCH_IMPORT_MEMBERS the
sizes (comma-separated, e.g. "10000,100000"), each on a fresh database.
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
SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_MEMBERS", "100000").split(",")]


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "gannan.settings",
        "DJANGO_DEBUG": "true",
        "IMPORT_MAX_BYTES": str(200 * 1024 * 1024),
    }
    results = []
    for size in SIZES:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(size)], env=env, cwd=ROOT, check=True, capture_output=True
        )
        sys.stderr.write(done.stderr.decode())
        results.append(done.stdout.decode().strip().splitlines()[-1].split("\t"))
    print(f"{'members':>9}{'households':>12}{'CSV MB':>8}{'import s':>10}{'COPY s':>9}{'ratio':>7}{'audit bytes':>13}")
    for members, households, mb, seconds, copy_seconds, audit in results:
        ratio = float(seconds) / float(copy_seconds)
        print(
            f"{int(members):>9,}{int(households):>12,}{float(mb):>8.1f}{float(seconds):>10.2f}"
            f"{float(copy_seconds):>9.2f}{ratio:>7.1f}{int(audit):>13,}"
        )
    print("ratio = import s / COPY s (target ≤ 3)")


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


# What the import writes, parents before children: the register's four tables and the approved cases.
COPY_TABLES = [
    "households_household",
    "households_member",
    "households_statuschange",
    "households_householdyear",
    "procedures_case",
]


def copy_lower_bound() -> float:
    """Seconds to COPY the rows the import wrote (read back as text) into the same tables, emptied.

    The tables keep their indexes, and the foreign keys are checked row by row
    (SET CONSTRAINTS ALL IMMEDIATE), as the import's writes are; everything is
    rolled back afterwards.
    """
    import psycopg2

    connection = psycopg2.connect(DB_URL)
    dumps = {}
    with connection.cursor() as cur:
        for table in COPY_TABLES:
            buffer = io.StringIO()
            cur.copy_expert(f"COPY {table} TO STDOUT", buffer)
            dumps[table] = buffer.getvalue()
        cur.execute(f"TRUNCATE {', '.join(COPY_TABLES)} CASCADE")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        for table, data in dumps.items():
            cur.copy_expert(f"COPY {table} FROM STDIN", io.StringIO(data))
        seconds = time.perf_counter() - started
    connection.rollback()
    connection.close()
    return seconds


def audit_bytes(batch: str) -> int:
    """The bytes of the import's audit entries: their changes as JSON text."""
    from django.db.models import Sum, TextField
    from django.db.models.functions import Cast, Length

    from audit.models import AuditEntry

    text = Cast("changes", output_field=TextField())
    return AuditEntry.objects.filter(batch=batch).aggregate(n=Sum(Length(text)))["n"] or 0


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
    members = int(sys.argv[sys.argv.index("--child") + 1])
    data, households = roster(members)
    started = time.perf_counter()
    report = households_import(data=data, file_name="bench.csv", user=admin)
    seconds = time.perf_counter() - started
    if not report.ok:
        print("\n".join(str(p) for p in report.errors[:20]), file=sys.stderr)
        raise SystemExit("bench import failed")
    audit = audit_bytes("导入 bench.csv by bench")
    copy_seconds = copy_lower_bound()
    print(f"{members}\t{households}\t{len(data) / 1024 / 1024}\t{seconds}\t{copy_seconds}\t{audit}")


if __name__ == "__main__" and "--child" in sys.argv:
    child()
elif __name__ == "__main__":
    main()
