"""The printed documents: each function gathers one document's content and returns the PDF.

Every sheet names its region, the data cut-off time, its page number and a QR
code leading to the live page it was printed from (see templates/printables/sheet.html).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from households.models import Attribute, Cause, Household, Status
from metrics import compute, registry
from metrics.cache import cached
from metrics.charts import Chart
from metrics.dashboard import Dashboard, dashboard
from metrics.exports import _units, _with_unit
from procedures.models import Kind
from procedures.selectors import notice_rows
from villages.models import VILLAGE_ITEMS, Division, Level

from . import render, selectors


@dataclass(frozen=True)
class Page:
    """A paper size and how much room its margins give the running header (QR code) and footer."""

    size: str  # CSS @page size
    margin: str
    qr: str  # QR code edge
    font: str  # root font size


A4_PORTRAIT = Page("A4 portrait", "24mm 12mm 14mm 12mm", "18mm", "9pt")
A4_LANDSCAPE = Page("A4 landscape", "22mm 12mm 13mm 12mm", "16mm", "8.5pt")
A3_LANDSCAPE = Page("A3 landscape", "28mm 14mm 14mm 14mm", "22mm", "10pt")
A1_LANDSCAPE = Page("A1 landscape", "60mm 30mm 30mm 30mm", "50mm", "20pt")
A0_LANDSCAPE = Page("A0 landscape", "80mm 40mm 40mm 40mm", "70mm", "28pt")


def _css_string(text: str) -> str:
    """A CSS string literal of `text` (region names come from the database)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _css_label(template: str) -> str:
    """ "第 {page} 页，共 {pages} 页" → the CSS content value that fills in the page counters."""
    parts = []
    for chunk in template.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(_css_string(chunk))
    return " ".join(parts)


DEPTH: dict[str, int] = {Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}


def region_path(division: Division) -> str:
    """甘南州 临潭县 城关镇 城关村（code): the names from the prefecture down, read in one query."""
    code = division.code
    codes = [code[:4] + "00", code[:6], code[:9], code[:12]][: DEPTH.get(division.level, 1)]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return " ".join(names[c] for c in dict.fromkeys(codes) if c in names) + f"（{division.code}）"


def cutoff() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _base(*, title: str, region: Division, page: Page, live_url: str) -> dict:
    path = region_path(region)
    return {
        "title": title,
        "region": region,
        "region_path": path,
        "region_css": _css_string(path),
        "page": page,
        "cutoff": cutoff(),
        "live_url": live_url,
        "qr": render.qr_data_uri(live_url),
        "page_label": _css_label(_("第 {page} 页，共 {pages} 页")),
    }


def board(division: Division, year: int) -> Dashboard:
    """The overview's own content (the same cache as the page), so sheet and screen show the same numbers."""

    def region_url(code: str) -> str:
        return reverse("metrics:region", args=[code]) + f"?year={year}"

    return cached(
        "dashboard",
        division.prefix,
        division.code,
        year,
        compute=lambda: dashboard(division=division, year=year, region_url=region_url),
    )


@dataclass
class Figure:
    """A chart as printed: its title, its SVG and its table (the same frame as on screen)."""

    key: str
    title: str
    svg: str
    header: list[str]
    rows: list[list[str]]


def _figures(charts: Iterable[Chart | None], *, height: int | None = None) -> dict[str, Figure]:
    """Draw every chart in one browser session (at least `height` px tall); keyed by chart key."""
    shown = [c for c in charts if c is not None]
    sizes = None
    if height:
        sizes = [(render.CHART_WIDTH, max(height, int(c.figure.get("layout", {}).get("height") or 0))) for c in shown]
    svgs = render.figures_svg([c.figure for c in shown], sizes=sizes)
    out = {}
    for chart, svg in zip(shown, svgs, strict=True):
        header, rows = chart.rows()
        out[chart.key] = Figure(chart.key, chart.title, svg, header, rows)
    return out


ROWS_PER_COLUMN = 44  # household rows an A3 sheet holds under its heading


def _columns(rows: list, per_column: int) -> list[list]:
    """Long lists printed side by side in columns of `per_column` rows."""
    return [rows[i : i + per_column] for i in range(0, len(rows), per_column)] or [[]]


# --- village five charts (村级五张图) --------------------------------------------------------------


def five_chart_titles() -> list[str]:
    """The five charts of a village, in order (defined in docs/PRINTABLES.md)."""
    return [_("村情概况图"), _("贫困户及致贫原因图"), _("帮扶措施及责任人图"), _("脱贫计划及进度图"), _("项目资金图")]


def village_charts_pdf(*, village: Division, year: int, live_url: str, only: int | None = None) -> bytes:
    """The five charts of a village for `year`, one A3-landscape sheet each; `only` (1–5) prints one of them."""
    b = board(village, year)
    wanted = {
        1: ["trend"],
        2: ["by_cause", "by_attribute"],
        3: ["cause_measure_gaps"],
        4: ["exits", "waterfall"],
        5: ["sources_by_year", "allocated_vs_disbursed", "by_programme"],
    }
    numbers = [only] if only else [1, 2, 3, 4, 5]
    keys = [k for n in numbers for k in wanted[n]]
    figures = _figures(b.chart(k) for k in keys)  # charts a village lacks (by sub-region) come back None: left out
    causes, statuses = dict(Cause.choices), dict(Status.choices)
    households = []
    for h in selectors.village_households(village=village, year=year):
        status = h.status_then  # type: ignore[attr-defined]  # annotated by the selector
        households.append(
            {
                "household": h,
                "status": status,
                "status_label": statuses[status],
                "secondary": "、".join(str(causes.get(int(c), c)) for c in h.secondary_causes or []),
            }
        )
    poor = [row for row in households if row["status"] in (Status.IDENTIFIED, Status.RETURNED)]
    checklist = selectors.village_checklist(village=village, year=year)
    titles = five_chart_titles()
    sheets = []
    for n in numbers:
        sheets.append(
            {
                "number": n,
                "title": titles[n - 1],
                "figures": [figures[k] for k in wanted[n] if k in figures],
            }
        )
    context = _base(
        title=_("%(village)s村级五张图") % {"village": village.name},
        region=village,
        page=A3_LANDSCAPE,
        live_url=live_url,
    )
    context.update(
        {
            "year": year,
            "sheets": sheets,
            "kpis": b.kpis,
            "funds": b.funds.kpis,
            "checklist": [(label, checklist[f]) for f, label in VILLAGE_ITEMS],
            "poor_columns": _columns(poor, ROWS_PER_COLUMN),
            "household_columns": _columns(households, ROWS_PER_COLUMN),
            "poor_count": len(poor),
            "household_count": len(households),
            "projects": selectors.village_projects(village=village),
            "money": selectors.village_money(village=village),
            "attributes": dict(Attribute.choices),
        }
    )
    return render.pdf("printables/village_charts.html", context)


# --- county and township wall charts (作战图) --------------------------------------------------------


def wall_chart_pdf(*, division: Division, year: int, live_url: str) -> bytes:
    """A county's (A0) or township's (A1) wall chart: divisions, incidence, poor villages, exits, laggards, funds."""
    b = board(division, year)
    # A wall chart is read from a few steps away: taller charts fill the sheet.
    figures = _figures(
        (b.chart(k) for k in ("incidence_by_region", "exits", "to_household_share", "trend", "checklist")), height=620
    )
    table = b.figures.table
    shares: dict[str, str] = {}
    share = b.chart("to_household_share")
    if share is not None:
        _header, rows = share.rows()
        shares = {r[0]: r[-1] for r in rows}  # code → share (%)
    children = [
        {
            "code": c.code,
            "name": c.name,
            "to_household_share": shares.get(c.code, ""),
            **compute.row_dict(table, c.code, year),
        }
        for c in b.figures.children
    ]
    page = A1_LANDSCAPE if division.level == Level.TOWNSHIP else A0_LANDSCAPE
    context = _base(
        title=_("%(region)s脱贫攻坚作战图") % {"region": division.name}, region=division, page=page, live_url=live_url
    )
    context.update(
        {
            "year": year,
            "kpis": b.kpis,
            "funds": b.funds.kpis,
            "figures": figures,
            "children": children,
            "laggards": selectors.village_incidence(division=division, year=year),
            "share_line": b.funds.share_line,
        }
    )
    return render.pdf("printables/wall_chart.html", context)


# --- the year-end report -------------------------------------------------------------------------

# The figures of the report's tables, in the registry's words.
REPORT_KEYS = [
    "poor_households",
    "poor_population",
    "supported_population",
    "registered_population",
    "rural_population",
    "poverty_incidence",
    "poor_villages",
    "new_identified_population",
    "exited_population",
    "exited_stable_population",
    "exited_consolidating_population",
    "returned_population",
    "removed_population",
]


def year_report_pdf(*, division: Division, year: int, live_url: str) -> bytes:
    """A region's figures for `year`: the metrics workbook's tables and the dashboard's charts, laid out on A4."""
    b = board(division, year)
    figures = b.figures
    indicators = [registry.get(k) for k in REPORT_KEYS]
    years = [y for y in figures.years if y <= year][-8:]
    history = [
        {
            "label": _with_unit(str(i.label), str(i.unit)),
            "values": [compute.row_dict(figures.table, "", y)[i.key] for y in years],
        }
        for i in indicators
    ]
    children = [
        {
            "code": c.code,
            "name": c.name,
            "values": [compute.row_dict(figures.table, c.code, year)[i.key] for i in indicators],
        }
        for c in figures.children
    ]
    units = _units()
    charts = list(_figures(b.charts + b.funds.charts).values())
    for f in charts:
        f.header = [_with_unit(str(h), units.get(str(h))) for h in f.header]  # the workbook's column headings
    now = compute.row_dict(figures.table, "", year)
    context = _base(
        title=_("%(region)s%(year)d年度脱贫攻坚统计报告") % {"region": division.name, "year": year},
        region=division,
        page=A4_LANDSCAPE,
        live_url=live_url,
    )
    context.update(
        {
            "year": year,
            "kpis": b.kpis,
            "now": now,
            "funds": b.funds.kpis,
            "years": years,
            "history": history,
            "indicators": indicators,
            "children": children,
            "charts": charts,
            "definitions": [registry.get(k) for k in REPORT_KEYS + ["by_cause", "by_attribute"]],
        }
    )
    return render.pdf("printables/year_report.html", context)


# --- household cards (明白卡 · 三本账) -------------------------------------------------------------

CARD_CHUNK = 200  # households laid out per WeasyPrint document in a batch


def _card_path(household: Household) -> str:
    """The household's place, from the objects the cards query already loaded (no query per card)."""
    chain: list[Division] = []
    division: Division | None = household.village
    while division is not None and len(chain) < 4:  # village up to the prefecture, all select_related
        chain.append(division)
        division = division.parent
    return " ".join(d.name for d in reversed(chain)) + f"（{household.village.code}）"


def household_cards_pdf(
    *,
    households: QuerySet[Household],
    region: Division,
    region_url: str,
    household_url: Callable[[Household], str],
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """One A4 page per household; a batch is laid out in chunks and joined, reporting `progress(done, total)`.

    The page number is the household's place in the batch, printed by the card itself: every card is one page.
    """
    pks = list(households.order_by("code").values_list("pk", flat=True))
    total = len(pks)
    today = timezone.localdate()  # the cards' date, next to their cut-off time
    base = _base(
        title=_("%(region)s贫困户明白卡") % {"region": region.name},
        region=region,
        page=A4_PORTRAIT,
        live_url=region_url,
    )
    documents = []
    for start in range(0, max(total, 1), CARD_CHUNK):  # an empty batch still prints its (empty) sheet
        chunk = Household.objects.filter(pk__in=pks[start : start + CARD_CHUNK]).order_by("code")
        cards = selectors.household_cards(households=chunk, on=today)
        for number, card in enumerate(cards, start=start + 1):
            url = household_url(card.household)
            card.live_url, card.qr, card.number = url, render.qr_data_uri(url), number
            card.region_path = _card_path(card.household)
        documents.append(render.document("printables/household_cards.html", {**base, "cards": cards, "total": total}))
        if progress:
            progress(min(start + CARD_CHUNK, total), total)
    return render.join(documents)


# --- notices (公示, 公告) ----------------------------------------------------------------------------


def publicity_pdf(*, user: User, village: Division, kind: str, live_url: str) -> bytes:
    """The village's 公示 of one kind of case (新识别, 脱贫, 返贫...): the households now in its public notice,
    with their reasons and masked IDs, ready to pin up (the notice page's rows, procedures.selectors)."""
    label = Kind(kind).label
    context = _base(
        title=_("%(village)s%(kind)s对象公示") % {"village": village.name, "kind": label},
        region=village,
        page=A4_PORTRAIT,
        live_url=live_url,
    )
    context.update({"kind": label, "rows": notice_rows(user=user, village=village, kind=kind)})
    return render.pdf("printables/publicity.html", context)


def announcement_pdf(*, village: Division, start: date, end: date, live_url: str) -> bytes:
    """The village's 公告 of the households that entered and left the poor list between `start` and `end`:
    the register's status changes, each the result of an announced case, ready to pin up."""
    title = _("%(village)s贫困户识别退出公告")
    context = _base(title=title % {"village": village.name}, region=village, page=A4_PORTRAIT, live_url=live_url)
    rows = selectors.announcement_rows(village=village, start=start, end=end)
    context.update(
        {
            "start": start,
            "end": end,
            "sides": [
                (rows["entering"], _("新识别（含返贫）贫困户")),
                (rows["leaving"], _("退出贫困户（脱贫、清退）")),
            ],
        }
    )
    return render.pdf("printables/announcement.html", context)
