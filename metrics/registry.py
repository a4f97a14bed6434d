"""The indicator registry: every figure named once, for pages, the API and exports.

The funds figures are read from funds/indicators.py and registered here with
source "funds" (funds does not import metrics); the export workbook and the
pages read `INDICATORS` in order.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from funds.indicators import INDICATORS as FUNDS_INDICATORS


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Promise
    unit: Promise
    definition: Promise
    kind: str  # "stock", "flow", "split" or "note"
    source: str = "metrics"


PEOPLE, HOUSEHOLDS, PERCENT, VILLAGES, YUAN = _("人"), _("户"), _("%"), _("个"), _("元")

INDICATORS: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.key in INDICATORS:
        raise ValueError(f"indicator {indicator.key!r} is registered twice")
    INDICATORS[indicator.key] = indicator
    return indicator


def get(key: str) -> Indicator:
    return INDICATORS[key]


def by_source(source: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.source == source]


for _key, _label, _unit, _definition, _kind in [
    ("poor_households", _("贫困户数"), HOUSEHOLDS, _("年末状态为未脱贫或返贫的户数"), "stock"),
    ("poor_population", _("贫困人口"), PEOPLE, _("年末状态为未脱贫或返贫的户的人口"), "stock"),
    ("supported_population", _("帮扶人口"), PEOPLE, _("贫困人口加上巩固提升（仍享受帮扶）的已脱贫人口"), "stock"),
    ("registered_population", _("建档立卡人口"), PEOPLE, _("年末在册（未脱贫、返贫、已脱贫）的户的人口"), "stock"),
    (
        "rural_population",
        _("农业户籍人口"),
        PEOPLE,
        _("各村当年登记的农业户籍人口之和；某村当年无数据时沿用其最近一年的数据"),
        "stock",
    ),
    (
        "poverty_incidence",
        _("贫困发生率"),
        PERCENT,
        _("贫困人口 ÷ 农业户籍人口 × 100，保留两位小数；无农业户籍人口时为空"),
        "stock",
    ),
    ("poor_villages", _("贫困村"), VILLAGES, _("年末仍在贫困村名单中（未出列）的村数"), "stock"),
    ("by_cause", _("按主要致贫原因分的贫困人口"), PEOPLE, _("贫困人口按主要致贫原因代码分组"), "split"),
    ("by_attribute", _("按贫困户属性分的贫困人口"), PEOPLE, _("贫困人口按贫困户属性代码分组"), "split"),
    (
        "new_identified_population",
        _("新识别人口"),
        PEOPLE,
        _("当年识别建档的户的人口（含清退后重新识别的户）"),
        "flow",
    ),
    ("exited_population", _("脱贫人口"), PEOPLE, _("当年由未脱贫或返贫变更为已脱贫的户的人口"), "flow"),
    ("exited_stable_population", _("稳定脱贫人口"), PEOPLE, _("当年脱贫且为稳定脱贫的户的人口"), "flow"),
    ("exited_consolidating_population", _("巩固提升人口"), PEOPLE, _("当年脱贫且为巩固提升的户的人口"), "flow"),
    ("returned_population", _("返贫人口"), PEOPLE, _("当年返贫的户的人口"), "flow"),
    ("removed_population", _("清退人口"), PEOPLE, _("当年清退的户的人口"), "flow"),
    ("removed_while_poor_population", _("清退的贫困人口"), PEOPLE, _("当年从未脱贫或返贫状态清退的户的人口"), "flow"),
    (
        "dissolved_population",
        _("自然减少人口"),
        PEOPLE,
        _("当年自然减少（成员全部死亡、整户迁出或并入他户）的户在变更当日的人口"),
        "flow",
    ),
    (
        "dissolved_while_poor_population",
        _("自然减少的贫困人口"),
        PEOPLE,
        _("当年从未脱贫或返贫状态自然减少的户在变更当日的人口"),
        "flow",
    ),
    (
        "natural_change_population",
        _("人口自然变动"),
        PEOPLE,
        _("户为贫困户期间当年加入的成员（出生、婚入、迁入等）减去离开的成员（死亡、婚出、迁出等）"),
        "flow",
    ),
    ("new_identified_households", _("新识别户数"), HOUSEHOLDS, _("当年识别建档的户数（含清退后重新识别的户）"), "flow"),
    ("exited_households", _("脱贫户数"), HOUSEHOLDS, _("当年由未脱贫或返贫变更为已脱贫的户数"), "flow"),
    ("exited_stable_households", _("稳定脱贫户数"), HOUSEHOLDS, _("当年脱贫且为稳定脱贫的户数"), "flow"),
    ("exited_consolidating_households", _("巩固提升户数"), HOUSEHOLDS, _("当年脱贫且为巩固提升的户数"), "flow"),
    ("returned_households", _("返贫户数"), HOUSEHOLDS, _("当年返贫的户数"), "flow"),
    ("removed_households", _("清退户数"), HOUSEHOLDS, _("当年清退的户数"), "flow"),
    ("removed_while_poor_households", _("清退的贫困户数"), HOUSEHOLDS, _("当年从未脱贫或返贫状态清退的户数"), "flow"),
    ("dissolved_households", _("自然减少户数"), HOUSEHOLDS, _("当年自然减少的户数"), "flow"),
    (
        "dissolved_while_poor_households",
        _("自然减少的贫困户数"),
        HOUSEHOLDS,
        _("当年从未脱贫或返贫状态自然减少的户数"),
        "flow",
    ),
    (
        "rural_population_carried_forward",
        _("沿用往年农业户籍人口的村数"),
        VILLAGES,
        _("当年没有农业户籍人口数据、沿用最近一年数据的村数"),
        "note",
    ),
]:
    register(Indicator(key=_key, label=_label, unit=_unit, definition=_definition, kind=_kind))


# The funds figures (funds/indicators.py); a key metrics already names (exited_households, exited_population)
# is the same figure.
for _key, _label, _unit, _definition, _kind, _selector in FUNDS_INDICATORS:
    if _key not in INDICATORS:
        register(Indicator(key=_key, label=_label, unit=_unit, definition=_definition, kind=_kind, source="funds"))
