from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from villages.importers import VILLAGE_COUNT_LABELS, villages_import


class Command(BaseCommand):
    help = (
        "Import villages (code, name, year, rural population, poor listing, 出列年度) from CSV or XLSX; all or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="the clerk or admin the import is recorded for (default: the first superuser)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args: Any, file: Path, user: str | None, dry_run: bool, **options: Any) -> None:
        users = get_user_model().objects
        account = (
            users.filter(username=user).first() if user else users.filter(is_superuser=True).order_by("pk").first()
        )
        if account is None:
            raise CommandError(f"no user {user!r}" if user else "no superuser: pass --user USERNAME")
        report = villages_import(data=file.read_bytes(), file_name=file.name, user=account, dry_run=dry_run)
        for line in report.lines(VILLAGE_COUNT_LABELS):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); nothing imported", returncode=1)
