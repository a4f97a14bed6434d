"""manage.py rebuild_rollups [--region CODE]: rebuild the villages' rollups from the register."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics import rollups
from villages.models import Division


def region_prefix(code: str | None) -> str:
    """The code prefix of the division `code` ("" for everything); CommandError when there is none."""
    if not code:
        return ""
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise CommandError(f"no division with code {code}")
    return division.prefix


class Command(BaseCommand):
    help = "Rebuild the village × year rollups the dashboards read, from the register (all villages, or one region's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="a division code: only the villages under it")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        prefix = region_prefix(region)
        started = time.monotonic()
        repaired = rollups.copies_repair(prefix=prefix)
        if repaired:
            self.stdout.write(f"{repaired:,} rows given their household's village again (rollups.COPIED_VILLAGE)")
        rows = rollups.rebuild_all(prefix=prefix)
        self.stdout.write(
            f"{rows:,} rollup rows written for {region or 'every village'} in {time.monotonic() - started:.1f} s"
        )
