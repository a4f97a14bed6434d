"""manage.py verify_rollups [--region CODE]: the rollups against the register; exit status 1 on a difference."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics import rollups

from .rebuild_rollups import region_prefix


class Command(BaseCommand):
    help = (
        "Recompute every village's figures from the register and print each one its rollup gets wrong "
        "(village, year, figure, rollup value, raw value), and the status changes, measures and loans whose "
        "copy of their household's village is astray (figure village_copy:<table>, the rows astray); "
        "exits with 1 if there is any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="a division code: only the villages under it")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        found = rollups.differences_all(prefix=region_prefix(region))
        if found:
            self.stdout.write("village\tyear\tfigure\trollup\traw")
        for d in found:
            self.stdout.write(f"{d.village}\t{d.year}\t{d.figure}\t{d.rollup}\t{d.raw}")
        if found:
            raise CommandError(f"{len(found)} figures differ from the register: run rebuild_rollups")
        self.stdout.write(f"The rollups of {region or 'every village'} match the register.")
