from django.core.management.base import BaseCommand

from households.uploads import pending_uploads_forget


class Command(BaseCommand):
    help = "Delete uploads never confirmed within IMPORT_PENDING_HOURS (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None, help="age limit instead of IMPORT_PENDING_HOURS")

    def handle(self, *args, hours=None, **options):
        removed = pending_uploads_forget(older_than_hours=hours)
        self.stdout.write(f"{removed} pending upload(s) deleted.")
