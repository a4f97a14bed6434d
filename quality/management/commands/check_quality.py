"""Run every 疑点 rule over the register: open the new 疑点, close the fixed ones, dated today."""

from django.core.management.base import BaseCommand

from quality.services import quality_run


class Command(BaseCommand):
    help = "Run the data-quality (疑点) rules over the whole register and store the results with today's date."

    def handle(self, *args, **options):
        run = quality_run(trigger="command")
        self.stdout.write(f"{run.on}: {run.found} open 疑点 ({run.opened} new, {run.closed} closed).")
