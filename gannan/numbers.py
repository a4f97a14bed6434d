"""Numbers as officials write them: 万 and 亿 in Chinese, grouped digits, one decimal for percent.

Plain functions with the language as an argument, so that pages (through the
`metrics_format` filters), chart axes and exports all format alike.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
DASH = "—"


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trim(value: Decimal) -> str:
    """Grouped digits without trailing zeros after the point: 1,234.5 / 2 / 0.25."""
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def count(value, *, english: bool = False) -> str:
    """A count of people or households: 7.93万 (10,000 and more, in Chinese), 9,999; grouped digits in English."""
    number = as_decimal(value)
    if number is None:
        return DASH
    number = round_half_up(number, 0)
    if not english and abs(number) >= WAN:
        return f"{round_half_up(number / WAN, 2)}万"
    return f"{number:,f}"


def grouped(value) -> str:
    """A whole number with thousands separators: 17,457."""
    number = as_decimal(value)
    return DASH if number is None else f"{round_half_up(number, 0):,f}"


def pct(value) -> str:
    """A percentage with one decimal (13.6%); — when unknown. The one percent rule of every page."""
    number = as_decimal(value)
    return DASH if number is None else f"{round_half_up(number, 1)}%"


def money(value, *, english: bool = False) -> str:
    """An amount in yuan: 3.07亿元, 2,475.29万元, 4,200元 (cents only when there are any); ¥ and grouped digits in English."""
    amount = as_decimal(value)
    if amount is None:
        return DASH
    if english:
        return f"¥{_yuan(amount)}"
    if abs(amount) >= YI:
        return f"{_trim(round_half_up(amount / YI, 2))}亿元"
    if abs(amount) >= WAN:
        return f"{_trim(round_half_up(amount / WAN, 2))}万元"
    return f"{_yuan(amount)}元"


def _yuan(amount: Decimal) -> str:
    """Grouped yuan, with both cent digits when there are cents: 4,200 / 1,234.50."""
    cents = round_half_up(amount, 2)
    return f"{cents:,.0f}" if cents == cents.to_integral_value() else f"{cents:,.2f}"


def tick_label(value, *, english: bool = False) -> str:
    """An axis tick of people or yuan: 5万, 1.5亿, 5,000万, 800 (grouped digits in English)."""
    number = Decimal(str(value))
    if english:
        return _trim(number)
    if abs(number) >= YI:
        return f"{_trim(number / YI)}亿"
    if abs(number) >= WAN:
        return f"{_trim(number / WAN)}万"
    return _trim(number)


def nice_step(top: float, ticks: int = 5) -> Decimal:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that divides 0..`top` into about `ticks` intervals."""
    if top <= 0:
        return Decimal(1)
    raw = Decimal(str(top)) / ticks
    power = Decimal(10) ** (raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def axis_ticks(top: float, *, scale: int = 1, english: bool = False, whole: bool = True) -> dict:
    """Plotly tick values and Chinese labels for an axis from 0 to `top` (in data units; `scale` yuan per unit).

    Plotly alone would write 200k; officials read 20万. `whole` keeps steps of people whole numbers.
    """
    base_top = Decimal(str(max(top, 0))) * scale
    step = nice_step(float(base_top))
    if whole and step < 1:
        step = Decimal(1)
    values = []
    current = Decimal(0)
    while True:
        values.append(current)
        if current >= base_top:
            break
        current += step
    return {
        "tickmode": "array",
        "tickvals": [float(v / scale) for v in values],
        "ticktext": [tick_label(v, english=english) for v in values],
        "range": [0, float(values[-1] / scale) * 1.02 if values[-1] else 1],
    }
