from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from households.events import COUNT_LABELS, events_import


class Command(BaseCommand):
    help = "Import an events file (变动记录, CSV or XLSX) as USER; all or nothing. Exits 1 on any error."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the clerk or admin the import is recorded for")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {user!r}") from None
        report = events_import(data=file.read_bytes(), file_name=file.name, user=account, dry_run=dry_run)
        for line in report.lines(COUNT_LABELS):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); nothing imported", returncode=1)
        self.stdout.write(_("共 %(n)d 处变动。") % {"n": report.changed})
