"""Printing speed: a village's five charts, one household card and a township's cards, in pages per second.

The lower bound is WeasyPrint laying out and writing a one-page sheet of plain text
(with the same font), measured in the same run: each row's ratio is its seconds per
page over that floor. Run after `seed_demo` (`make bench`).
"""

import os
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from households.models import Household  # noqa: E402
from printables import sheets  # noqa: E402
from villages.models import Division  # noqa: E402

YEAR = 2015
BASE = "http://127.0.0.1:8000"


def pages(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def timed(make) -> tuple[float, int]:
    start = time.perf_counter()
    content = make()
    return time.perf_counter() - start, pages(content)


def floor() -> float:
    """Seconds for one plain A4 page of Chinese text through WeasyPrint (best of 5)."""
    html = (
        "<html><body style='font-family: WenQuanYi Micro Hei'>" + "<p>甘南州精准扶贫 1234</p>" * 40 + "</body></html>"
    )
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        weasyprint.HTML(string=html).write_pdf()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    translation.activate("zh-hans")
    biggest = Division.objects.filter(level="village").annotate(n=Count("households")).order_by("-n").first()
    if biggest is None or not biggest.n:
        print("no households: run seed_demo first")
        return
    township = biggest.parent
    household = Household.objects.filter(village=biggest).order_by("code").first()
    assert township is not None and household is not None
    url = lambda h: f"{BASE}/households/{h.pk}/"  # noqa: E731
    rows = [
        (
            f"five charts of {biggest.name} ({biggest.n} households)",
            lambda: sheets.village_charts_pdf(village=biggest, year=YEAR, live_url=BASE),
        ),
        (
            f"one household card ({household.code})",
            lambda: sheets.household_cards_pdf(
                households=Household.objects.filter(pk=household.pk), region=biggest, region_url=BASE, household_url=url
            ),
        ),
        (
            f"cards of {township.name} ({Household.objects.filter(village__parent=township).count()} households)",
            lambda: sheets.household_cards_pdf(
                households=Household.objects.filter(village__parent=township),
                region=township,
                region_url=BASE,
                household_url=url,
            ),
        ),
    ]
    low = floor()
    print(f"lower bound: one plain page through WeasyPrint {low * 1000:.0f} ms")
    print("| what | pages | seconds | pages/s | s per page / lower bound |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, make in rows:
        seconds, n = timed(make)
        print(f"| {name} | {n} | {seconds:.2f} | {n / seconds:.1f} | {seconds / n / low:.1f} |")


if __name__ == "__main__":
    main()
