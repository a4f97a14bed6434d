"""The numbers the demo data is built from: the seed's figures and our assumptions around them.

Everything here is at scale 1 (people, villages); `seed_demo --scale` multiplies
people and rural population. The seed (Gannan Daily, 28 Sep 2016) fixes the
prefecture's poor population at the end of 2011 and 2015, the incidence in those
years, the 2015 exits and their split, and 284 poor villages; the rest is a
plausible path around those points that ends with no one poor after 2020.
"""

from dataclasses import dataclass

FIRST_YEAR = 2011
LAST_YEAR = 2020
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

POOR_2011 = 283_900  # 28.39万
POOR_2015 = 79_300  # 7.93万
EXITED_STABLE_2015 = 48_800  # 4.88万
EXITED_CONSOLIDATING_2015 = 15_500  # 1.55万

# Registered rural population (农业户籍人口) grows this much a year. With the
# counties' 2011 totals below (55.6万) the incidence is 51.06% in 2011 and 13.98% in 2015.
RURAL_GROWTH = 0.005

# Poverty lines after the seed's years (the migration seeds 2011-2015), yuan per
# person per year at current prices: the national line (2300 yuan at 2010 prices)
# as the National Bureau of Statistics reported it for 2016-2019, quoted from memory;
# 2020 is the "about 4000 yuan" announced then. Admins can correct them; the demo
# only fills years that have no line yet.
POVERTY_LINES = {2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000}


@dataclass(frozen=True)
class Flow:
    """One year's changes to the prefecture's poor population, in people (scale 1)."""

    new: int  # households first identified this year (动态调整新识别)
    returned: int  # 返贫
    removed: int  # 清退 while poor
    exited: int | None  # None: everyone still poor exits (2020)
    stable_share: float = 0.76  # of the exits; the rest exit 巩固提升
    removed_exited: int = 0  # 清退 of households that had already exited (not poor: no effect on the stock)


# poor(Y) = poor(Y-1) + new - exited + returned - removed:
# 283,900 → 242,900 → 196,200 → 140,900 → 79,300 (2015) → 51,600 → 32,400 → 15,800 → 3,300 → 0.
FLOWS = {
    2012: Flow(new=6_000, returned=0, removed=2_000, exited=45_000),
    2013: Flow(new=5_000, returned=800, removed=2_500, exited=50_000),
    2014: Flow(new=8_000, returned=1_200, removed=6_000, exited=58_500),  # the 2014 建档立卡 review
    2015: Flow(
        new=3_000,
        returned=1_200,
        removed=1_500,
        exited=EXITED_STABLE_2015 + EXITED_CONSOLIDATING_2015,
        stable_share=EXITED_STABLE_2015 / (EXITED_STABLE_2015 + EXITED_CONSOLIDATING_2015),
    ),
    2016: Flow(new=2_500, returned=1_000, removed=1_200, exited=30_000, removed_exited=150),
    2017: Flow(new=1_000, returned=600, removed=800, exited=20_000, removed_exited=150),
    2018: Flow(new=300, returned=400, removed=300, exited=17_000),
    2019: Flow(new=0, returned=200, removed=200, exited=12_500),
    2020: Flow(new=0, returned=0, removed=0, exited=None, stable_share=0.8),
}


@dataclass(frozen=True)
class County:
    name: str
    villages: int  # administrative villages
    poor_villages: int  # 贫困村 (the seed: 284 in all)
    rural_2011: int  # registered rural population at the end of 2011
    poor_2011: int  # poor population at the end of 2011
    speed: float  # relative pace of exits
    ethnicity: dict[str, float]  # household shares by the head's ethnicity


COUNTIES = {
    "623001": County("合作市", 36, 15, 42_000, 20_000, 1.10, {"tibetan": 0.78, "han": 0.15, "hui": 0.07}),
    "623021": County("临潭县", 141, 72, 128_000, 65_900, 0.95, {"han": 0.55, "hui": 0.25, "tibetan": 0.20}),
    "623022": County("卓尼县", 98, 53, 91_000, 50_000, 0.95, {"tibetan": 0.62, "han": 0.38}),
    "623023": County("舟曲县", 200, 80, 120_000, 64_000, 0.95, {"han": 0.60, "tibetan": 0.40}),
    "623024": County("迭部县", 52, 18, 43_000, 22_000, 1.05, {"tibetan": 0.80, "han": 0.20}),
    "623025": County("玛曲县", 41, 10, 37_000, 15_000, 1.15, {"tibetan": 0.92, "han": 0.05, "hui": 0.03}),
    "623026": County("碌曲县", 27, 6, 28_000, 12_000, 1.15, {"tibetan": 0.90, "han": 0.06, "hui": 0.04}),
    "623027": County("夏河县", 65, 30, 67_000, 35_000, 1.05, {"tibetan": 0.78, "han": 0.12, "hui": 0.10}),
}

# Poor villages' 出列 years, shares of the 284 (none left after 2020).
VILLAGE_EXIT_SHARES = {2016: 0.14, 2017: 0.22, 2018: 0.30, 2019: 0.26, 2020: 0.08}
# Share of poor villages listed in the 2014 review rather than in 2011.
VILLAGE_LISTED_2014_SHARE = 0.15

# The year the seed reports as "now" (its stock at the end of 2015 is met exactly).
SEED_YEAR = 2015

# Natural change of the registered households, per person and year. Births are not drawn:
# they come from the members' birth dates (about 1.3% a year join at birth). The other
# rates are of the order of the crude death rate (about 6-7 per thousand) and the migration
# Gansu's statistical communiqués reported for its rural population in the 2010s, quoted
# from memory, within the 0.6-0.8% deaths the issue asks for.
DEATH_RATE = 0.007
MARRIAGE_OUT_RATE = 0.004  # a daughter marries into another household (婚出)
MOVE_OUT_RATE = 0.002  # a young man moves away for good (迁出)
MARRIAGE_IN_SHARE = 0.5  # of the daughters-in-law: married in after the household was identified (婚入)
# A few 五保 households of one person leave the register when that person dies (自然减少).
DISSOLVE_YEARS = range(2016, 2020)
DISSOLVE_SHARE = 0.05

# Households by size (people), then by attribute and main cause (codes of households.models).
SIZE_SHARES = {1: 0.07, 2: 0.10, 3: 0.18, 4: 0.25, 5: 0.20, 6: 0.11, 7: 0.06, 8: 0.03}
DIBAO_SHARE = 0.227  # of the households that are not 五保: ~22% of all
WUBAO_SHARE_BY_SIZE = {1: 0.40, 2: 0.03}  # 五保 are elderly people alone or in pairs: ~3% of all
CAUSE_SHARES = {
    9: 0.25,  # 缺资金
    1: 0.20,  # 因病
    7: 0.15,  # 缺技术
    8: 0.10,  # 缺劳力
    3: 0.08,  # 因学
    2: 0.06,  # 因残
    10: 0.05,  # 交通条件落后
    11: 0.04,  # 自身发展动力不足
    4: 0.03,  # 因灾
    5: 0.02,  # 缺土地
    6: 0.01,  # 缺水
    12: 0.005,  # 因婚
    99: 0.005,  # 其他
}
