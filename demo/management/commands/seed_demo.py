"""Build the demo data: Gannan as it was, 2011-2020.

Seeded and deterministic (the same --scale and --seed give the same data), and
re-runnable: when the demo of that scale and seed is already there it says so and
stops, unless --force; another scale or seed wipes the demo (households, villages,
demo users and whatever later steps add) and rebuilds it.

Each step is a module of `demo` with `build(ctx)` and `wipe(ctx)`; `STEPS` runs
them in order and wipes them in reverse order, so a step that refers to
households (funds, targets) goes after `households`.

The households, members, yearly records and status histories are written in
bulk (`demo.households`), bypassing `households.services`: it is the one writer
that does, because the services' per-object audit and checks would take an hour at
scale 1. It keeps the fields the services keep (head_name, member_count, status,
and the status chain), and one AuditEntry with batch "seed_demo" records the run,
its scale, seed and counts.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import ProtectedError

from audit.models import Action, AuditEntry
from audit.services import audit_record
from demo import funds, households, procedures, quality, targets, users, villages
from demo.context import BATCH, DemoContext
from households.models import Household
from metrics import rollups

STEPS = [villages, users, households, procedures, funds, targets, quality]


def seed_current() -> AuditEntry | None:
    """The audit entry of the demo now in the database, if there is one."""
    if not Household.objects.exists():
        return None
    return AuditEntry.objects.filter(batch=BATCH, object_type=BATCH).order_by("-id").first()


class Command(BaseCommand):
    help = "Build the demo data (Gannan 2011-2020: villages, households, status histories, demo logins)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="households and rural population × this (1 = ~75,000 households)"
        )
        parser.add_argument("--seed", type=int, default=2016, help="random seed")
        parser.add_argument("--force", action="store_true", help="rebuild even if this demo is already there")

    def handle(self, *args, scale: float, seed: int, force: bool, **options):
        if not 0 < scale <= 100:
            raise CommandError("--scale must be above 0 and at most 100.")
        current = seed_current()
        if (
            current
            and current.changes.get("scale", [None, None])[1] == scale
            and current.changes.get("seed", [None, None])[1] == seed
            and not force
        ):
            self.stdout.write(
                f"Demo data (scale {scale:g}, seed {seed}) is already there: "
                f"{current.changes['households'][1]:,} households. Use --force to rebuild it."
            )
            self.print_logins()
            return

        ctx = DemoContext(scale=scale, seed=seed, out=self.stdout.write)
        started = time.monotonic()
        with transaction.atomic():
            for step in reversed(STEPS):
                self.timed(f"wipe {step.__name__}", step.wipe, ctx)
            for step in STEPS:
                self.timed(f"build {step.__name__}", step.build, ctx)
            # The steps write in bulk, past the services' hook: the rollups are built once from what they wrote.
            self.timed("build rollups", lambda ctx: rollups.rebuild_all(), ctx)
            audit_record(
                user=None,
                action=Action.IMPORT,
                object_type=BATCH,
                summary=(
                    f"演示数据（scale {scale:g}, seed {seed}）：{ctx.counts.get('households', 0)} 户、"
                    f"{ctx.counts.get('members', 0)} 人，批量写入，未经业务服务逐条审计"
                ),
                changes={"scale": [None, scale], "seed": [None, seed], **{k: [None, v] for k, v in ctx.counts.items()}},
                batch=BATCH,
            )
        if connection.vendor == "postgresql":
            self.timed("analyze", self.analyze, ctx)
        for name, n in ctx.counts.items():
            if isinstance(n, int):  # not the list of planted 疑点 (demo.quality)
                self.stdout.write(f"  {name:<16} {n:>10,}")
        self.stdout.write(f"Demo data built in {time.monotonic() - started:.1f} s.")
        self.print_logins()

    def timed(self, label: str, fn, ctx: DemoContext) -> None:
        started, cpu = time.monotonic(), time.process_time()
        try:
            fn(ctx)
        except ProtectedError as e:
            raise CommandError(f"{label}: other records still refer to the demo data ({e.args[0]})") from None
        # The CPU time of this process beside the wall clock: on a loaded machine the two part ways.
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        self.stdout.write(f"  {label:<40} {wall:6.1f} s  (CPU here {cpu:5.1f} s)")

    def analyze(self, ctx: DemoContext) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def print_logins(self) -> None:
        self.stdout.write("\nDemo logins (demo data only):")
        self.stdout.write(f"  {'username':<19} {'password':<18} {'role':<14} region")
        for username, password, role, region in users.logins():
            self.stdout.write(f"  {username:<19} {password:<18} {role:<14} {region}")
