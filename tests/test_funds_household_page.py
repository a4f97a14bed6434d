"""The household page (一户一档) shows the household's measures, loans and the money paid to it."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from funds.models import Programme
from funds.services import loan_create, measure_create

from .conftest import register


def test_the_household_page_lists_its_measures_and_loans(client, lintan_clerk, lintan_official, zhuoni_clerk):
    h = register(lintan_clerk, "623021100201", "F001", size=2)
    measure_create(
        user=lintan_clerk,
        household=h,
        programme=Programme.INDUSTRY,
        content="养殖藏羊 20 只",
        year=2015,
        amount=Decimal("12000"),
        unit="临潭县农牧局",
    )
    head = h.members.get(relation="head")
    loan_create(
        user=lintan_clerk,
        household=h,
        borrower=head,
        bank="甘肃省农村信用社",
        amount=Decimal("50000"),
        issued_on=date(2015, 6, 1),
        term_months=36,
        purpose="牦牛养殖",
    )
    client.force_login(lintan_official)
    page = client.get(reverse("households:detail", args=[h.pk])).content.decode()
    assert "养殖藏羊 20 只" in page and "12,000.00" in page
    assert "甘肃省农村信用社" in page and "50,000.00" in page
    # An official reads the household but is offered no buttons to add measures.
    assert reverse("funds:add", args=["measure"]) not in page
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("households:detail", args=[h.pk])).status_code == 404
