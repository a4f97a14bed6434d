"""The demo's exit targets: the prefecture's plan per year, shared out to its eight counties."""

from django.db.models import Sum

from demo import targets
from demo.context import DemoContext
from metrics.models import ExitTarget


def test_the_demo_targets_follow_the_plan_and_the_counties_add_up_to_the_prefecture(db):
    ctx = DemoContext(scale=0.5, seed=2016, out=lambda s: None)
    targets.build(ctx)
    assert ctx.counts["exit_targets"] == 9 * 9
    assert ExitTarget.objects.get(division_id="623000", year=2015).target_population == 32_150  # 6.43万 × 0.5
    for year in range(2012, 2021):
        counties = (
            ExitTarget.objects.filter(year=year)
            .exclude(division_id="623000")
            .aggregate(n=Sum("target_population"))["n"]
        )
        assert counties == ExitTarget.objects.get(division_id="623000", year=year).target_population
    targets.wipe(ctx)
    assert not ExitTarget.objects.exists()
