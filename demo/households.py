"""Households with members, yearly records and status histories 2011-2020, written in bulk.

This is the one writer of the register that bypasses households/services/: at
~75,000 households and ~300,000 members the services (one audit row per object,
one rechain per change) would take an hour, and even the ORM's bulk_create spends
most of a run building model instances, so rows go to the driver through
`gannan.lib.bulk` (COPY on PostgreSQL, multi-row INSERTs elsewhere). It keeps what
the services keep: Household.head_name, member_count and status (the last change),
and each StatusChange's previous_status, ended_on and sequence
(`households.services.status_chain`); every exit has a yearly record that passes
the exit test. The command writes one AuditEntry for the whole batch.

The path is simulated first (who is identified, exits, returns, is removed or
dissolves in which year, and who is born, dies, marries in or out or moves away
when), then the details of each household are drawn while writing. Every quota
is met exactly in people *present then* (register.md: a stock counts the members
present at the end of the year, a flow those present on the day of the change),
so the prefecture's figures are the seed's.

Natural change, per person and year (`figures.BIRTH_RATE` and the rest): births
come from the members' birth dates (children born after the household was
identified join at birth, about 1.3% a year); deaths, marriages out and moves
away add members who leave; some daughters-in-law marry in after identification.
"""

import bisect
import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db import connection
from stdnum.cn import ric

from gannan.lib.bulk import bulk_insert, reserve_ids
from households.models import (
    CLOSED_STATUSES,
    Attribute,
    Education,
    Health,
    Household,
    HouseholdYear,
    HousingGrade,
    JoinReason,
    Labour,
    LeaveReason,
    Member,
    PovertyLine,
    Relation,
    Standard,
    Status,
    StatusChange,
    StudentStatus,
)
from households.services import status_chain
from households.services.common import MEMBER_FIELDS, SPAN_FIELDS
from villages.models import Division, Level, VillageYear

from . import figures
from .context import DemoContext, apportion
from .names import han_surname, person_name, unique_name

POOR = (Status.IDENTIFIED, Status.RETURNED)
EXITED = (Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING)
TODAY = date(figures.LAST_YEAR, 12, 31)  # the data's "now": ages, schooling and labour as at the end of 2020
CHUNK = 2000
K = TypeVar("K")
HERDING_COUNTIES = {"623001", "623025", "623026", "623027"}
TU_TOWNSHIP = "623022209"  # 杓哇土族乡

REASON_IDENTIFIED = "建档立卡"
REASON_NEW = "动态调整新识别"
REASON_STABLE = "脱贫验收：一超过、两不愁、三保障达标，稳定脱贫"
REASON_CONSOLIDATING = "脱贫验收达标，需巩固提升，继续纳入扶持"
REASON_CONSOLIDATED = "巩固提升后稳定脱贫"
RETURN_REASONS = ["因病返贫", "因灾返贫", "因残返贫", "因学返贫", "务工收入下降返贫"]
REASON_DISSOLVED = "五保户成员去世，整户自然减少"
REMOVE_REASONS = [
    "动态调整清退：家庭成员有财政供养人员",
    "动态调整清退：家庭人均收入超过识别标准",
    "动态调整清退：在城镇购买商品房",
    "动态调整清退：拥有小轿车或工程机械",
    "“回头看”清退：识别不精准",
    "户籍整户迁出本村",
]
CADRE_UNITS = [
    "{county}农牧局",
    "{county}教育局",
    "{county}卫生健康局",
    "{county}财政局",
    "{county}人力资源和社会保障局",
    "{county}交通运输局",
    "{county}林业和草原局",
    "{county}扶贫开发办公室",
    "{county}人民医院",
    "{town}人民政府",
    "甘南州扶贫开发办公室",
    "甘南州发展和改革委员会",
    "甘南州财政局",
    "天津市对口援助甘南工作组",
]
PHONE_PREFIXES = [
    "139",
    "138",
    "137",
    "136",
    "135",
    "189",
    "180",
    "151",
    "152",
    "157",
    "130",
    "131",
    "133",
    "153",
    "177",
]


@dataclass(slots=True)
class Person:
    """One member's span: on the register from `joined` until `left` (None: still there at the end of 2020)."""

    relation: str
    male: bool
    born: date
    joined: date
    join_reason: str = JoinReason.REGISTERED
    left: date | None = None
    leave_reason: str = ""

    def present_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


@dataclass(slots=True)
class Plan:
    """One household's path through 2011-2020, before its details are drawn."""

    code: str
    county: str
    village: str
    attribute: int
    ethnicity: str
    key: float  # exit priority: lower exits earlier (its village's planned 出列 plus noise)
    identified_year: int
    events: list[tuple[str, date, str]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    day: date = TODAY  # the day of the change being drawn
    size: int = 0  # who counts for it: present on `day` (a flow) or at the year's end (a stock)

    @property
    def status(self) -> str:
        return self.events[-1][0]

    def present_on(self, day: date) -> int:
        return sum(1 for p in self.people if p.present_on(day))

    def pending(self, day: date, counted_on: date | None = None) -> None:
        self.day = day
        self.size = self.present_on(counted_on or day)

    @property
    def last_year(self) -> int:
        return self.events[-1][1].year


@dataclass
class Village:
    code: str
    plan_year: int  # poor villages: 出列 year; others a year by which most of their poor should be out
    weight: float
    room: int  # people still to place before the village's rural population is nearly all registered
    tu: bool


def _day(rng, year: int, start: tuple[int, int], end: tuple[int, int]) -> date:
    first, last = date(year, *start), date(year, *end)
    return first + timedelta(days=rng.randint(0, (last - first).days))


# The demo's share tables (module constants) as (table, keys, cumulative weights), by id: rng.choices
# with `cum_weights` draws exactly what it draws with `weights`, without summing them again at every draw.
_CUMULATIVE: dict[int, tuple[Mapping, list, list[float]]] = {}


def _pick(rng, choices: Mapping[K, float]) -> K:
    cached = _CUMULATIVE.get(id(choices))
    if cached is None or cached[0] is not choices:  # the table is kept in the entry, so its id is not reused
        cached = _CUMULATIVE[id(choices)] = (choices, list(choices), list(itertools.accumulate(choices.values())))
    return rng.choices(cached[1], cum_weights=cached[2])[0]


def _take(pool: list[Plan], people: int) -> tuple[list[Plan], int]:
    """Households from the front of `pool` whose sizes add up to exactly `people` (or what is short)."""
    chosen = []
    for plan in pool:
        if people == 0:
            break
        if plan.size <= people:
            chosen.append(plan)
            people -= plan.size
    if people:
        # Short by a few: swap one chosen household for a larger one that closes the gap.
        taken = set(map(id, chosen))
        larger = {plan.size: plan for plan in reversed(pool) if id(plan) not in taken}
        for i, plan in enumerate(chosen):
            if plan.size + people in larger:
                chosen[i] = larger[plan.size + people]
                return chosen, 0
    return chosen, people


class Simulation:
    """Year by year, per county: returns, removals, exits (by village priority) and new identifications."""

    def __init__(self, ctx: DemoContext, villages: dict[str, list[Village]]):
        self.ctx = ctx
        self.rng = ctx.rng("households")
        self.villages = villages
        self.cumulative = {county: list(itertools.accumulate(v.weight for v in vs)) for county, vs in villages.items()}
        self.plans: dict[str, list[Plan]] = {county: [] for county in figures.COUNTIES}
        self.serial: dict[str, int] = defaultdict(int)

    def run(self) -> list[Plan]:
        counties = list(figures.COUNTIES)
        first = apportion(self.ctx.people(figures.POOR_2011), [c.poor_2011 for c in figures.COUNTIES.values()])
        for county, people in zip(counties, first, strict=True):
            self.identify(county, people, figures.FIRST_YEAR)
        for year, flow in figures.FLOWS.items():
            self.year(year, flow)
        return [plan for county in counties for plan in self.plans[county]]

    def year(self, year: int, flow: figures.Flow) -> None:
        rng, people = self.rng, self.ctx.people

        def pool(statuses, order, start, end, counted_on=None):
            """The households in `statuses` with no change yet this year, each with the day its change would have."""
            pools = {}
            for county, plans in self.plans.items():
                eligible = [p for p in plans if p.status in statuses and p.last_year < year]
                for plan in eligible:
                    plan.pending(_day(rng, year, start, end), counted_on)
                pools[county] = sorted(eligible, key=order)
            return pools

        if year in figures.DISSOLVE_YEARS:
            self.dissolve(year)
        for plan in self.draw(
            pool(EXITED, lambda p: rng.random() - 0.3 * (p.status == Status.EXITED_CONSOLIDATING), (3, 1), (9, 30)),
            people(flow.returned),
        ):
            plan.events.append((Status.RETURNED, plan.day, rng.choice(RETURN_REASONS)))
        for plan in self.draw(pool(POOR, lambda p: rng.random(), (4, 1), (11, 30)), people(flow.removed)):
            plan.events.append((Status.REMOVED, plan.day, rng.choice(REMOVE_REASONS)))
        for plan in self.draw(pool(EXITED, lambda p: rng.random(), (4, 1), (9, 30)), people(flow.removed_exited)):
            plan.events.append((Status.REMOVED, plan.day, rng.choice(REMOVE_REASONS)))

        poor = pool(POOR, lambda p: p.key, (10, 15), (12, 25))
        weights = {c: figures.COUNTIES[c].speed * sum(p.size for p in plans) for c, plans in poor.items()}
        if flow.exited is None:
            total = sum(p.size for plans in poor.values() for p in plans)
        else:
            total = people(flow.exited)
        stable = round(total * flow.stable_share)
        for status, reason in [
            (Status.EXITED_STABLE, REASON_STABLE),
            (Status.EXITED_CONSOLIDATING, REASON_CONSOLIDATING),
        ]:
            # The consolidating exits make up the total (in 2020: everyone left) even if the stable ones fell short.
            chosen = self.draw(poor, stable if status == Status.EXITED_STABLE else total, weights)
            total -= sum(plan.size for plan in chosen)
            for plan in chosen:
                plan.events.append((status, plan.day, reason))

        for plans in self.plans.values():
            for plan in plans:
                if plan.status == Status.EXITED_CONSOLIDATING and plan.last_year < year and rng.random() < 0.9:
                    plan.events.append((Status.EXITED_STABLE, _day(rng, year, (6, 1), (9, 30)), REASON_CONSOLIDATED))

        new = people(flow.new)
        if year == figures.SEED_YEAR:
            # Births, deaths and moves since 2011 moved the stock: the year's new identifications
            # (or, were it above the seed, extra removals) make the end of 2015 exactly the seed's.
            end = date(year, 12, 31)
            stock = sum(p.present_on(end) for plans in self.plans.values() for p in plans if p.status in POOR)
            new = people(figures.POOR_2015) - stock
            if new < 0:
                for plan in self.draw(pool(POOR, lambda p: rng.random(), (4, 1), (11, 30), end), -new):
                    plan.events.append((Status.REMOVED, plan.day, rng.choice(REMOVE_REASONS)))
                new = 0
        for county, n in zip(
            figures.COUNTIES, apportion(new, [c.poor_2011 for c in figures.COUNTIES.values()]), strict=True
        ):
            self.identify(county, n, year)

    def dissolve(self, year: int) -> None:
        """A few 五保 households of one person: the person dies and the household leaves the register (自然减少)."""
        rng = self.rng
        start = date(year, 1, 1)
        for plans in self.plans.values():
            for plan in plans:
                if (
                    plan.attribute != Attribute.WUBAO
                    or plan.status in CLOSED_STATUSES
                    or plan.last_year >= year
                    or rng.random() >= figures.DISSOLVE_SHARE
                ):
                    continue
                present = [p for p in plan.people if p.present_on(start)]
                if len(present) != 1 or any(p.joined > start for p in plan.people):
                    continue
                person = present[0]
                person.left, person.leave_reason = _day(rng, year, (2, 1), (9, 30)), LeaveReason.DEATH
                plan.events.append(
                    (Status.DISSOLVED, person.left + timedelta(days=rng.randint(10, 60)), REASON_DISSOLVED)
                )

    def draw(self, pools: dict[str, list[Plan]], people: int, weights: dict[str, float] | None = None) -> list[Plan]:
        """Households totalling exactly `people`, split over the counties by `weights` (default: pool sizes).

        The chosen households leave `pools`.
        """
        counties = list(pools)
        sizes = [sum(p.size for p in pools[c]) for c in counties]
        w = [weights[c] for c in counties] if weights else sizes
        chosen: list[Plan] = []
        short = 0
        for county, quota in zip(counties, apportion(people, w, sizes), strict=True):
            got, left = _take(pools[county], quota)
            short += left
            chosen += got
            taken = set(map(id, got))
            pools[county] = [p for p in pools[county] if id(p) not in taken]
        for county in counties:  # a county that could not fill its quota exactly: the others make it up
            if short == 0:
                break
            got, short = _take(pools[county], short)
            chosen += got
            taken = set(map(id, got))
            pools[county] = [p for p in pools[county] if id(p) not in taken]
        return chosen

    def identify(self, county: str, people: int, year: int) -> None:
        """New households identified in `year` whose members present at the end of the year total exactly `people`."""
        rng = self.rng
        villages, cumulative = self.villages[county], self.cumulative[county]
        end = date(year, 12, 31)
        while people > 0:
            size = min(_pick(rng, figures.SIZE_SHARES), people)
            if rng.random() < figures.WUBAO_SHARE_BY_SIZE.get(size, 0):
                attribute = Attribute.WUBAO
            elif rng.random() < figures.DIBAO_SHARE:
                attribute = Attribute.DIBAO
            else:
                attribute = Attribute.GENERAL
            on = _day(rng, year, (9, 1), (12, 31)) if year == figures.FIRST_YEAR else _day(rng, year, (3, 1), (11, 30))
            members = _people(rng, size, attribute, on)
            counted = sum(1 for p in members if p.present_on(end))
            if counted > people:  # the leavers made it too large: without them it is at most `size`
                members = [p for p in members if p.left is None]
                counted = sum(1 for p in members if p.present_on(end))
            village = None
            for _try in range(20):
                candidate = villages[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
                if candidate.room >= size:
                    village = candidate
                    break
            if village is None:
                village = max(villages, key=lambda v: v.room)
            village.room -= size
            ethnicity = _pick(rng, figures.COUNTIES[county].ethnicity)
            if village.tu and rng.random() < 0.7:
                ethnicity = "tu"
            self.serial[village.code] += 1
            plan = Plan(
                code=f"{village.code}{self.serial[village.code]:04d}",
                county=county,
                village=village.code,
                attribute=attribute,
                ethnicity=ethnicity,
                key=village.plan_year + rng.uniform(-5, 0),
                identified_year=year,
                events=[(Status.IDENTIFIED, on, REASON_IDENTIFIED if year == figures.FIRST_YEAR else REASON_NEW)],
                people=members,
            )
            self.plans[county].append(plan)
            people -= counted


def _people(rng, size: int, attribute: int, on: date) -> list[Person]:
    """The members of a household identified `on`: `size` still there at the end of 2020, and those who left before.

    Children born after `on` join at birth; some daughters-in-law marry in later;
    each later year, with the rates of `figures`, an elder dies, a daughter marries
    out or a young man moves away (members of the household when it was identified).
    """
    people = []
    for relation, male, age in _compose(rng, size, attribute):
        born = date(TODAY.year - age, 1, 1) + timedelta(days=rng.randint(0, 364))
        if born > on:
            people.append(Person(relation, male, born, born, JoinReason.BIRTH))
            continue
        person = Person(relation, male, born, on)
        if (
            relation == Relation.OTHER
            and not male
            and on.year < TODAY.year
            and rng.random() < figures.MARRIAGE_IN_SHARE
        ):
            married = max(on.year + rng.randint(1, 6), born.year + 20)
            if married <= TODAY.year:
                person.joined = max(_day(rng, married, (1, 1), (12, 31)), on + timedelta(days=1))
                person.join_reason = JoinReason.MARRIAGE_IN
        people.append(person)
    head_age = _age(people[0].born, TODAY)
    for year in range(on.year + 1, TODAY.year + 1):
        there = sum(1 for p in people if p.present_on(date(year, 1, 1)))
        leavers: list[tuple[float, str, tuple[int, int], str, bool | None]] = [
            (
                figures.DEATH_RATE,
                LeaveReason.DEATH,
                (66, 92),
                Relation.PARENT if head_age < 62 else Relation.SIBLING,
                None,
            ),
            (figures.MARRIAGE_OUT_RATE, LeaveReason.MARRIAGE_OUT, (20, 27), Relation.DAUGHTER, False),
            (figures.MOVE_OUT_RATE, LeaveReason.MOVED_OUT, (18, 35), Relation.SON, True),
        ]
        for rate, reason, ages, leaver_relation, leaver_male in leavers:
            if rng.random() < rate * there:
                sex = rng.random() < 0.5 if leaver_male is None else leaver_male
                born = date(year - rng.randint(*ages), 1, 1) + timedelta(days=rng.randint(0, 364))
                left = max(_day(rng, year, (1, 1), (12, 31)), on + timedelta(days=1))
                people.append(Person(leaver_relation, sex, born, on, JoinReason.REGISTERED, left, reason))
    return people


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _villages(rng) -> dict[str, list[Village]]:
    rural = dict(VillageYear.objects.filter(year=figures.FIRST_YEAR).values_list("village_id", "rural_population"))
    result: dict[str, list[Village]] = {county: [] for county in figures.COUNTIES}
    for code, is_poor, exit_year in (
        Division.objects.filter(level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", "is_poor_village", "poor_exit_year")
    ):
        people = rural.get(code) or 0
        result[code[:6]].append(
            Village(
                code=code,
                plan_year=exit_year if is_poor and exit_year else rng.randint(2014, 2020),
                weight=people * (1.4 if is_poor else 1.0),
                room=int(people * 0.9),
                tu=code.startswith(TU_TOWNSHIP),
            )
        )
    return result


# --- details, drawn while writing -------------------------------------------------------


class Ids:
    """Valid, unique resident ID numbers: area (the county; 合作市 before 1996 was 夏河县's), birth date, sequence."""

    def __init__(self):
        self.used: dict[tuple[str, date, bool], int] = defaultdict(int)

    def make(self, county: str, born: date, male: bool) -> str:
        area = "623027" if county == "623001" and born.year < 1996 else county
        k = self.used[(area, born, male)]
        self.used[(area, born, male)] += 1
        body = f"{area}{born:%Y%m%d}{2 * k + (1 if male else 2):03d}"
        return body + ric.calc_check_digit(body + "0")


class Names:
    """Members' names such that no two members share name, birth date and sex.

    Those three under two ID numbers are one person registered twice (疑点 ID04,
    ID05), a defect the demo plants nowhere. The first draw is the details'
    generator's, as for any name; a redraw comes from a generator of its own, so
    a collision changes that one name and nothing drawn after it.
    """

    def __init__(self, rng):
        self.rng = rng
        self.used: set[tuple[str, date, bool]] = set()

    def make(self, rng, ethnicity: str, male: bool, born: date, surname: str | None) -> str:
        name = person_name(rng, ethnicity, male, born.year, surname)
        if (name, born, male) in self.used:
            name = unique_name(self.rng, lambda n: (n, born, male) in self.used, ethnicity, male, born.year, surname)
        self.used.add((name, born, male))
        return name


def _compose(rng, size: int, attribute: int) -> list[tuple[Relation, bool, int]]:
    """(relation, male, age at the end of 2020) of each member."""
    if attribute == Attribute.WUBAO or size == 1:
        age = rng.randint(62, 88) if attribute == Attribute.WUBAO else rng.randint(40, 86)
        people = [(Relation.HEAD, rng.random() < 0.6, age)]
        # A 五保 household has no one of working age: its siblings are old too.
        low = 60 if attribute == Attribute.WUBAO else 18
        people += [
            (Relation.SIBLING, rng.random() < 0.5, max(low, min(92, age + rng.randint(-6, 6))))
            for _i in range(size - 1)
        ]
        return people
    elder = rng.random() < 0.3
    male = rng.random() < 0.85
    age = rng.randint(56, 78) if elder else rng.randint(27, 55)
    people = [(Relation.HEAD, male, age)]
    left = size - 1
    if rng.random() < 0.9:
        people.append((Relation.SPOUSE, not male, max(20, age + (-rng.randint(0, 6) if male else rng.randint(0, 6)))))
        left -= 1
    if elder:
        son = max(18, age - rng.randint(22, 30))
        if left:
            people.append((Relation.SON, True, son))
            left -= 1
        if left:
            people.append((Relation.OTHER, False, max(18, son - rng.randint(0, 4))))  # daughter-in-law
            left -= 1
        people += [(Relation.GRANDCHILD, rng.random() < 0.5, rng.randint(0, max(0, son - 20))) for _i in range(left)]
        return people
    parents = 0
    if left >= 3 and age < 45 and rng.random() < 0.35:
        parents = 2 if rng.random() < 0.4 else 1
        for i in range(parents):
            people.append((Relation.PARENT, parents == 2 and i == 0, min(92, age + rng.randint(22, 30))))
        left -= parents
    child = age - rng.randint(20, 27)
    for _i in range(left):
        boy = rng.random() < 0.52
        people.append((Relation.SON if boy else Relation.DAUGHTER, boy, max(0, child)))
        child -= rng.randint(1, 4)
    return people


def _education(rng, age: int, ethnicity: str, male: bool, schooling: bool) -> tuple[str, str]:
    if age < 6:
        return Education.PRESCHOOL, StudentStatus.NOT_SCHOOL_AGE
    if age <= 11:
        return Education.PRIMARY, StudentStatus.IN_SCHOOL
    if age <= 15:
        return Education.JUNIOR, StudentStatus.IN_SCHOOL
    if age <= 22 and rng.random() < (0.8 if schooling else 0.45):
        return (Education.SENIOR if age <= 18 else Education.COLLEGE), StudentStatus.IN_SCHOOL
    r = rng.random() - (0.1 if ethnicity in ("tibetan", "tu") and not male else 0)
    if age <= 22:
        level = Education.JUNIOR if r < 0.7 else Education.SENIOR
    elif age <= 45:
        level = (
            Education.ILLITERATE
            if r < 0.15
            else Education.PRIMARY
            if r < 0.5
            else Education.JUNIOR
            if r < 0.9
            else Education.SENIOR
            if r < 0.98
            else Education.COLLEGE
        )
    elif age <= 60:
        level = Education.ILLITERATE if r < 0.4 else Education.PRIMARY if r < 0.8 else Education.JUNIOR
    else:
        level = Education.ILLITERATE if r < 0.7 else Education.PRIMARY
    return level, StudentStatus.NOT_SCHOOL_AGE


def _health(rng, age: int) -> str:
    r = rng.random()
    if r < 0.03:
        return Health.DISABLED
    if r < 0.045 + age / 4000:
        return Health.SERIOUS
    if r < 0.08 + age / 400:
        return Health.CHRONIC
    return Health.HEALTHY


def _labour(rng, age: int, health: str, student: str) -> str:
    if age < 16 or student == StudentStatus.IN_SCHOOL or age >= 70:
        return Labour.NONE
    if health in (Health.DISABLED, Health.SERIOUS):
        return Labour.UNABLE if rng.random() < 0.7 else Labour.WEAK
    if health == Health.CHRONIC or age >= 60:
        return Labour.WEAK
    return Labour.SKILLED if rng.random() < 0.12 else Labour.ORDINARY


def _members(rng, ids: Ids, names: Names, plan: Plan, cause: int) -> list[tuple]:
    """The members as rows of MEMBER_COLUMNS (without the household and its village), the head first."""
    surname = None
    if plan.ethnicity in ("han", "hui"):
        surname = han_surname(rng, plan.ethnicity)
    head_male = plan.people[0].male
    # The member whose illness or disability is the cause is one still in the household.
    present = [i for i, p in enumerate(plan.people) if p.left is None] or [0]
    sick = present[rng.randrange(len(present))] if cause in (1, 2) else None
    closed = plan.status in CLOSED_STATUSES
    members = []
    for i, person in enumerate(plan.people):
        relation, male, born = person.relation, person.male, person.born
        age = _age(born, person.left or TODAY)  # as now, or when they left
        # Children carry the family name of the father's line; wives and mothers keep their own.
        family = (
            relation in (Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD)
            or (relation in (Relation.HEAD, Relation.SPOUSE, Relation.PARENT) and male)
            or (relation == Relation.SIBLING and head_male)
        )
        education, student = _education(rng, age, plan.ethnicity, male, cause == 3)
        health = _health(rng, age)
        if i == sick:
            health = Health.DISABLED if cause == 2 else (Health.SERIOUS if rng.random() < 0.4 else Health.CHRONIC)
        labour = _labour(rng, age, health, student)
        working = labour in (Labour.SKILLED, Labour.ORDINARY) and age <= 50
        members.append(
            (
                names.make(rng, plan.ethnicity, male, born, surname if family else None),
                ids.make(plan.county, born, male),
                relation,
                "M" if male else "F",
                born.isoformat(),
                plan.ethnicity,
                education,
                student,
                health,
                labour,
                rng.randint(3, 10) if working and rng.random() < 0.45 else 0,
                True,  # medical insurance: every member by 2020 (基本医疗有保障)
                age >= 60 or (age >= 16 and student != StudentStatus.IN_SCHOOL and rng.random() < 0.88),
                plan.attribute == Attribute.DIBAO,
                person.joined.isoformat(),
                person.join_reason,
                person.left.isoformat() if person.left else None,
                person.leave_reason,
                "",
                closed,
            )
        )
    return members


MEMBER_COLUMNS = ["household_id", *MEMBER_FIELDS, *SPAN_FIELDS, "household_closed", "village_id"]
CHECKS = ["enough_food", "enough_clothing", "education_secured", "medical_secured", "housing_secured"]
YEAR_COLUMNS = [
    "household_id",
    "year",
    "income_per_capita",
    "income_wages",
    "income_production",
    "income_property",
    "income_transfer",
    *CHECKS,
    "village_id",
]
# How often each check still failed in a year a household ended poor.
CHECK_FAILURES = [0.1, 0.08, 0.12, 0.15, 0.3]
STATUS_COLUMNS = ["household_id", "status", "date", "reason", "ended_on", "previous_status", "sequence", "village_id"]
HOUSEHOLD_COLUMNS = [
    "code",
    "village_id",
    "standard",
    "attribute",
    "main_cause",
    "secondary_causes",
    "identified_year",
    "phone",
    "housing_grade",
    "safe_water",
    "cadre_name",
    "cadre_unit",
    "cadre_phone",
    "head_name",
    "member_count",
    "status",
    "version",
]


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _year_record(rng, plan: Plan, year: int, line: Decimal, factor: float, passed: bool) -> tuple:
    """A row of YEAR_COLUMNS (without the household and its village): income at `factor` times the line,
    split in four parts, and the five checks."""
    total = int(line * 100 * Decimal(str(round(factor, 4))))
    if plan.county in HERDING_COUNTIES:
        shares = [0.22, 0.53, 0.05, 0.20]  # wages, farming and herding, property, transfers
    else:
        shares = [0.45, 0.30, 0.03, 0.22]
    if plan.attribute != Attribute.GENERAL:
        shares[3] += 0.3
    shares = [s * rng.uniform(0.7, 1.3) for s in shares]
    wages, production, prop = (int(total * s / sum(shares)) for s in shares[:3])
    checks = [True] * 5 if passed else [rng.random() >= p for p in CHECK_FAILURES]
    return (
        year,
        _money(total),
        _money(wages),
        _money(production),
        _money(prop),
        _money(total - wages - production - prop),
        *checks,
    )


def _years(rng, plan: Plan, lines: dict[int, Decimal]) -> list[tuple]:
    """A record for every year the household ends poor, every exit year (passing the exit test), and 2020."""
    records = []
    events = plan.events
    exit_years = {
        on.year
        for (status, on, _r), (before, _o, _q) in zip(events[1:], events, strict=False)
        if status in EXITED and before in POOR
    }
    for year in range(plan.identified_year, figures.LAST_YEAR + 1):
        status = [s for s, on, _r in events if on.year <= year][-1]
        if year in exit_years:
            records.append(_year_record(rng, plan, year, lines[year], rng.uniform(1.08, 1.9), True))
        elif status in POOR:
            records.append(_year_record(rng, plan, year, lines[year], rng.uniform(0.55, 0.97), False))
        elif year == figures.LAST_YEAR and status != Status.REMOVED:
            records.append(_year_record(rng, plan, year, lines[year], rng.uniform(1.15, 2.4), True))
    return records


# Causes no member's data has to bear out, drawn instead of 因学 or 缺劳力 when the members contradict them.
FREE_CAUSES = {cause: share for cause, share in figures.CAUSE_SHARES.items() if cause in (4, 5, 6, 7, 9, 10)}


def _consistent_cause(rng, cause: int, members: list[tuple]) -> int:
    """The main cause, redrawn when the members contradict it (疑点 CA03, CA04): 因学 with no one at school,
    缺劳力 with two able workers."""
    members = [m for m in members if m[16] is None]  # those still in the household (left_on empty)
    students = sum(m[7] == StudentStatus.IN_SCHOOL for m in members)
    able = sum(m[9] in (Labour.SKILLED, Labour.ORDINARY) for m in members)
    if (cause == 3 and not students) or (cause == 8 and able >= 2):
        return _pick(rng, FREE_CAUSES)
    return cause


class Cadres:
    """帮扶责任人: a cadre of the county's units for every two to five households of a village (疑点 RG03)."""

    def __init__(self, rng, towns: dict[str, str]):
        self.rng, self.towns = rng, towns
        self.current: dict[str, list] = {}

    def next(self, plan: Plan) -> tuple[str, str, str]:
        rng = self.rng
        cadre = self.current.get(plan.village)
        if cadre is None or cadre[3] == 0:
            name = person_name(rng, "han" if rng.random() < 0.5 else "tibetan", rng.random() < 0.7, 1975)
            unit = rng.choice(CADRE_UNITS).format(county=self.towns[plan.county], town=self.towns[plan.village[:9]])
            cadre = self.current[plan.village] = [name, unit, _phone(rng), rng.randint(2, 5)]
        cadre[3] -= 1
        return cadre[0], cadre[1], cadre[2]


def _phone(rng) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def build(ctx: DemoContext) -> None:
    plans = Simulation(ctx, _villages(ctx.rng("households:villages"))).run()
    rng = ctx.rng("households:details")
    lines = {line.year: line.amount for line in PovertyLine.objects.all()}
    towns = dict(Division.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).values_list("code", "name"))
    cadres = Cadres(rng, towns)
    ids, names = Ids(), Names(ctx.rng("households:names"))
    counts: defaultdict[str | None, int] = defaultdict(int)
    for start in range(0, len(plans), CHUNK):
        chunk = plans[start : start + CHUNK]
        households, rosters, histories, records = [], [], [], []
        for plan in chunk:
            cause = _pick(rng, figures.CAUSE_SHARES)
            if plan.attribute == Attribute.WUBAO and cause not in (1, 2, 8):
                cause = 8  # 五保: no one to work
            members = _members(rng, ids, names, plan, cause)
            cause = _consistent_cause(rng, cause, members)
            cadre_name, cadre_unit, cadre_phone = cadres.next(plan)
            others = [c for c in figures.CAUSE_SHARES if c != cause]
            removed = plan.status == Status.REMOVED
            households.append(
                (
                    plan.code,
                    plan.village,
                    Standard.PROVINCIAL if rng.random() < 0.08 else Standard.NATIONAL,
                    plan.attribute,
                    cause,
                    sorted(rng.sample(others, rng.choice([0, 0, 1, 1, 1, 2]))),
                    plan.identified_year,
                    _phone(rng) if rng.random() < 0.8 else "",
                    (
                        rng.choice([HousingGrade.B, HousingGrade.C])
                        if removed
                        else HousingGrade.A
                        if rng.random() < 0.4
                        else HousingGrade.B
                    ),
                    not removed or rng.random() < 0.8,
                    cadre_name,
                    cadre_unit,
                    cadre_phone,
                    members[0][0],  # head_name (the head is first and stays, but in a dissolved household)
                    sum(1 for p in plan.people if p.left is None),  # member_count: present now
                    plan.status,  # the last change
                    1,
                )
            )
            # The household's village copied onto its members and records, as the services do.
            rosters.append([(*m, plan.village) for m in members])
            # The chain the services keep: in date order, the status before, and the next change's date.
            histories.append(
                [
                    (status, on.isoformat(), reason, link.ended_on, link.previous_status, link.sequence, plan.village)
                    for (status, on, reason), link in zip(
                        plan.events, status_chain([(s, on) for s, on, _r in plan.events]), strict=True
                    )
                ]
            )
            records.append([(*r, plan.village) for r in _years(rng, plan, lines)])
        # The ids the database would give them, taken first, so the members and the rest need no read-back.
        pks = reserve_ids(Household, len(households))
        with_ids = [(pk, *row) for pk, row in zip(pks, households, strict=True)]
        bulk_insert(Household, ["id", *HOUSEHOLD_COLUMNS], with_ids)
        for model, columns, rows in [
            (Member, MEMBER_COLUMNS, rosters),
            (StatusChange, STATUS_COLUMNS, histories),
            (HouseholdYear, YEAR_COLUMNS, records),
        ]:
            flat = [(pk, *row) for pk, per_household in zip(pks, rows, strict=True) for row in per_household]
            bulk_insert(model, columns, flat)
            counts[model._meta.model_name] += len(flat)
        counts["households"] += len(households)
    ctx.counts.update(
        households=counts["households"],
        members=counts["member"],
        status_changes=counts["statuschange"],
        household_years=counts["householdyear"],
    )


def wipe(ctx: DemoContext) -> None:
    """Every household row, in one statement per table (foreign keys are still checked by the database)."""
    with connection.cursor() as cursor:
        for model in (HouseholdYear, StatusChange, Member, Household):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
