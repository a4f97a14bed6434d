"""The look test: a printed page rendered to an image (pdftoppm) has ink on it, charts included.

The images are kept in test-artifacts/ for a person to look at.
"""

from datetime import date

import pytest
from django.urls import reverse

from tests import pdf
from tests.conftest import register

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")


def test_a_village_sheet_and_a_card_are_not_blank(client, lintan_official, admin, artifacts_dir):
    h = register(admin, "623021100201", "L1", size=4, identified_on=date(2014, 5, 1))
    client.force_login(lintan_official)
    sheet = client.get(reverse("printables:village_chart", args=["623021100201", 1]) + "?year=2015").content
    card = client.get(reverse("printables:household_card", args=[h.pk])).content
    for name, content in (("five-charts-1", sheet), ("card", card)):
        image = pdf.page_png(content, keep=artifacts_dir / f"printables-{name}.png")
        assert pdf.ink(image) > 0.01, name
    # the chart itself is drawn: the left half of the sheet under the heading holds the trend chart's bars
    image = pdf.page_png(sheet, dpi=30)
    chart_box = image.crop((0, int(image.height * 0.2), image.width // 2, int(image.height * 0.5)))
    reds = sum(1 for r, g, b in pdf.pixels(chart_box) if r > 150 and g < 90 and b < 90)
    assert reds > 50  # the poor-population bars (#c62828)
