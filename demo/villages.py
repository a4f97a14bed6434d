"""The real division tree, villages under the townships with their yearly facts, and the later poverty lines."""

import math
from decimal import Decimal

from households.models import PovertyLine
from villages.models import VILLAGE_ITEMS, Division, Level, VillageYear
from villages.services import divisions_load

from . import figures
from .context import DemoContext, apportion
from .names import village_name

# Street offices (街道), state farms (…场) and the research institute have no villages.
NO_VILLAGES = ("街道", "场", "所")
ITEMS = [name for name, _label in VILLAGE_ITEMS]
# Items most villages already had in 2011; the rest came with the campaign.
EARLY_ITEMS = {"power", "broadcast", "water", "road", "has_clinic"}


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("villages")
    divisions_load()
    for year, amount in figures.POVERTY_LINES.items():
        PovertyLine.objects.get_or_create(year=year, defaults={"amount": Decimal(amount)})

    townships: dict[str, list[Division]] = {code: [] for code in figures.COUNTIES}
    for t in Division.objects.filter(level=Level.TOWNSHIP).order_by("code"):
        if t.parent_id and not t.name.endswith(NO_VILLAGES):
            townships[t.parent_id].append(t)

    # Below scale 1 villages thin out with the square root of the scale (at least one per township),
    # so a small demo still has a few households per village.
    thin = min(1.0, math.sqrt(ctx.scale))
    counts = {
        code: c.villages if thin >= 1 else max(len(townships[code]), round(c.villages * thin))
        for code, c in figures.COUNTIES.items()
    }
    total = sum(counts.values())
    poor_total = round(sum(c.poor_villages for c in figures.COUNTIES.values()) * total / 660) if thin < 1 else 284
    poor_counts = dict(
        zip(
            figures.COUNTIES,
            apportion(
                poor_total,
                [c.poor_villages for c in figures.COUNTIES.values()],
                list(counts.values()),
            ),
            strict=True,
        )
    )

    villages: list[Division] = []
    weights: dict[str, float] = {}
    for county, ts in townships.items():
        tibetan = figures.COUNTIES[county].ethnicity.get("tibetan", 0)
        per_township = apportion(counts[county] - len(ts), [rng.uniform(0.6, 1.4) for _t in ts])
        county_villages = []
        for township, extra in zip(ts, per_township, strict=True):
            seat = township.name.removesuffix("镇").removesuffix("乡").removesuffix("土族")
            names = {seat}
            county_villages.append(
                Division(code=f"{township.code}201", name=f"{seat}村", level=Level.VILLAGE, parent=township)
            )
            for i in range(extra):
                name = village_name(rng, rng.random() < tibetan)
                while name in names:
                    name = village_name(rng, rng.random() < tibetan)
                names.add(name)
                county_villages.append(
                    Division(code=f"{township.code}{202 + i}", name=f"{name}村", level=Level.VILLAGE, parent=township)
                )
        for v in rng.sample(county_villages, poor_counts[county]):
            v.is_poor_village = True
            v.poor_listed_year = 2014 if rng.random() < figures.VILLAGE_LISTED_2014_SHARE else 2011
        for v in county_villages:
            weights[v.code] = rng.uniform(0.5, 1.7)
        villages += county_villages

    # 出列 years: faster counties first, none left after 2020.
    poor = [v for v in villages if v.is_poor_village]
    poor.sort(key=lambda v: rng.random() / figures.COUNTIES[v.code[:6]].speed)
    exit_years = [
        y
        for y, n in zip(
            figures.VILLAGE_EXIT_SHARES,
            apportion(
                len(poor),
                list(figures.VILLAGE_EXIT_SHARES.values()),
            ),
            strict=True,
        )
        for _i in range(n)
    ]
    for v, year in zip(poor, exit_years, strict=True):
        v.poor_exit_year = year
    Division.objects.bulk_create(villages, batch_size=500)

    rows = []
    for county, c in figures.COUNTIES.items():
        in_county = [v for v in villages if v.code.startswith(county)]
        done = {v.code: _item_years(rng, v) for v in in_county}
        for year in figures.YEARS:
            rural = ctx.people(c.rural_2011 * (1 + figures.RURAL_GROWTH) ** (year - figures.FIRST_YEAR))
            for v, people in zip(in_county, apportion(rural, [weights[v.code] for v in in_county]), strict=True):
                items = {item: done[v.code][item] <= year for item in ITEMS}
                rows.append(VillageYear(village=v, year=year, rural_population=people, **items))
    VillageYear.objects.bulk_create(rows, batch_size=1000)
    ctx.counts["villages"] = len(villages)
    ctx.counts["poor_villages"] = len(poor)
    ctx.counts["village_years"] = len(rows)


def _item_years(rng, village: Division) -> dict[str, int]:
    """The year each 六有六通 item was done (2010 = before the campaign); a poor village has all by its 出列."""
    last = village.poor_exit_year or 2018
    years = {}
    for item in ITEMS:
        already = 0.75 if item in EARLY_ITEMS else 0.3
        if village.is_poor_village:
            already /= 2
        year = 2010 if rng.random() < already else rng.randint(2012, last)
        if item == "has_mutual_fund":
            year = min(year, 2016)  # the seed: every administrative village had a mutual-aid fund by 2016
        years[item] = year
    return years


def wipe(ctx: DemoContext) -> None:
    VillageYear.objects.all().delete()
    Division.objects.filter(level=Level.VILLAGE).delete()
