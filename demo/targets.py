"""Demo step: yearly exit targets (年度脱贫任务) of the prefecture and its counties, 2012-2020.

The prefecture's target is the year's planned exits of `demo.figures.FLOWS`
rounded to hundreds (2020: everyone still poor at the end of 2019); the
counties share it by their 2011 poor population weighted by their pace, so
some counties beat their target and some fall short, as on the real wall charts.
"""

from metrics.models import ExitTarget

from .context import DemoContext, apportion
from .figures import COUNTIES, FLOWS, POOR_2011, YEARS

PREFECTURE = "623000"


def _planned_exits() -> dict[int, int]:
    planned, poor = {}, POOR_2011
    for year, flow in sorted(FLOWS.items()):
        poor += flow.new + flow.returned - flow.removed
        exited = poor if flow.exited is None else flow.exited
        planned[year] = round(exited, -2)
        poor -= exited
    return planned


def build(ctx: DemoContext) -> None:
    codes = list(COUNTIES)
    weights = [COUNTIES[c].poor_2011 * (2 - COUNTIES[c].speed) for c in codes]
    targets = []
    for year, people in _planned_exits().items():
        total = ctx.people(people)
        targets.append(ExitTarget(division_id=PREFECTURE, year=year, target_population=total))
        for code, share in zip(codes, apportion(total, weights), strict=True):
            targets.append(ExitTarget(division_id=code, year=year, target_population=share))
    ExitTarget.objects.bulk_create(targets)
    ctx.counts["exit_targets"] = len(targets)


def wipe(ctx: DemoContext) -> None:
    ExitTarget.objects.filter(division_id__in=[PREFECTURE, *COUNTIES], year__in=list(YEARS)).delete()
