"""The funds page's charts as plain tables: the page draws them, shows them and sells them as CSV.

Each chart is {"key", "title", "kind", "columns": [(key, label)], "rows": [{key: value}], ...}; the
numbers in `rows` are exactly what the chart draws, the table shows and the CSV holds.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from households.models import Cause
from villages.models import Division

from . import selectors
from .models import Programme, SourceKind
from .rollups import FundsFigures, raw_figures


def _yuan_wan(value: Decimal) -> Decimal:
    """Yuan → 万元, two decimals (how the seed and the clerks speak of money)."""
    return (Decimal(value) / 10000).quantize(Decimal("0.01"))


def funds_charts(
    *,
    region: Division,
    year: int,
    children: list[Division],
    figures: FundsFigures | None = None,
) -> list[dict[str, Any]]:
    """The page's charts from the section's `figures` (`rollups.figures`; read raw when not given)."""
    if figures is None:
        figures = raw_figures(region=region, year=year)
    kinds = dict(SourceKind.choices)
    by_source = figures.by_source_year
    years = sorted({r["year"] for r in by_source})
    present = [k for k in SourceKind.values if any(r["kind"] == k for r in by_source)]
    table = {y: {"year": y} | {k: Decimal("0.00") for k in present} for y in years}
    for r in by_source:
        table[r["year"]][r["kind"]] = _yuan_wan(r["amount"])
    sources = {
        "key": "sources_by_year",
        "unit": "wan_yuan",
        "title": _("各来源资金（按年度）"),
        "kind": "stacked",
        "x": "year",
        "series": present,
        "columns": [("year", _("年度"))] + [(k, str(kinds[k])) for k in present],
        "rows": [table[y] for y in years],
    }

    share_rows = selectors.to_household_share_by_child(
        region=region, year=None, children=children, sums=figures.share_sums
    )
    share = {
        "key": "to_household_share",
        "unit": "percent",
        "title": _("专项扶贫资金到户占比（%）"),
        "kind": "bar",
        "x": "name",
        "series": ["to_household_share"],
        "line": float(selectors.TO_HOUSEHOLD_LINE),
        "line_label": _("70% 目标线"),
        "columns": [
            ("code", _("区划代码")),
            ("name", _("名称")),
            ("special_disbursed", _("专项资金拨付（万元）")),
            ("special_to_households", _("其中到户（万元）")),
            ("to_household_share", _("到户占比（%）")),
        ],
        "rows": [
            r
            | {
                "special_disbursed": _yuan_wan(r["special_disbursed"]),
                "special_to_households": _yuan_wan(r["special_to_households"]),
            }
            for r in share_rows
        ],
    }

    loan_rows = selectors.loan_coverage_by_child(
        region=region, year=year, children=children, counts=figures.loan_counts
    )
    loans = {
        "key": "loan_coverage",
        "unit": "percent",
        "title": _("精准扶贫专项贷款覆盖率（应贷尽贷，%）"),
        "kind": "bar",
        "x": "name",
        "series": ["loan_coverage"],
        "columns": [
            ("code", _("区划代码")),
            ("name", _("名称")),
            ("loan_eligible_households", _("有劳动能力的贫困户")),
            ("loan_households", _("获贷户数")),
            ("loan_coverage", _("覆盖率（%）")),
        ],
        "rows": loan_rows,
    }

    causes = dict(Cause.choices)
    gap_counts = figures.summary["cause_measure_gaps_by_cause"]
    gaps = {
        "key": "cause_measure_gaps",
        "unit": "households",
        "title": _("致贫原因未对应帮扶措施的贫困户（户）"),
        "kind": "bar",
        "x": "cause_label",
        "series": ["households"],
        "columns": [("cause", _("致贫原因代码")), ("cause_label", _("主要致贫原因")), ("households", _("户数"))],
        "rows": [
            {"cause": int(c), "cause_label": str(causes.get(int(c), c)), "households": n} for c, n in gap_counts.items()
        ],
    }

    flow = {
        "key": "allocated_vs_disbursed",
        "unit": "wan_yuan",
        "title": _("资金到位与拨付（按年度）"),
        "kind": "grouped",
        "x": "year",
        "series": ["allocated", "disbursed"],
        "columns": [("year", _("年度")), ("allocated", _("到位资金（万元）")), ("disbursed", _("拨付资金（万元）"))],
        "names": {"allocated": _("到位资金"), "disbursed": _("拨付资金")},
        "rows": [
            {"year": r["year"], "allocated": _yuan_wan(r["allocated"]), "disbursed": _yuan_wan(r["disbursed"])}
            for r in figures.allocated_vs_disbursed
        ],
    }

    programmes = dict(Programme.choices)
    by_programme = {
        "key": "by_programme",
        "unit": "wan_yuan",
        "title": _("各类项目资金（累计）"),
        "kind": "bar",
        "x": "programme_label",
        "series": ["amount"],
        "columns": [("programme_label", _("项目类别")), ("amount", _("资金（万元）"))],  # no English code
        "rows": [
            {
                "programme": r["programme"],
                "programme_label": str(programmes.get(r["programme"], r["programme"])),
                "amount": _yuan_wan(r["amount"]),
            }
            for r in figures.by_programme
        ],
    }
    charts: list[dict[str, Any]] = [sources, share, loans, gaps, flow, by_programme]
    for chart in charts:
        chart["cells"] = [[row.get(k) for k, _label in chart["columns"]] for row in chart["rows"]]
    return charts
