from typing import Any

from django.core.management.base import BaseCommand

from villages.services import divisions_load


class Command(BaseCommand):
    help = "Load Gannan's prefecture, 8 counties/cities and 102 townships (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = divisions_load()
        self.stdout.write(f"divisions: {created} created, {updated} updated")
