"""Helpers for the funds tests: sources, projects and money on the shared cast's villages."""

from datetime import date
from decimal import Decimal

from funds.models import FundSource
from funds.services import allocation_create, disbursement_create, project_create
from villages.models import Division

LINTAN = "623021"
CHENGGUAN_VILLAGE = "623021100201"
XIJIE_VILLAGE = "623021100202"
HONGBAOZI_VILLAGE = "623021101201"
LIULIN_VILLAGE = "623022100201"


def source(code: str = "central") -> FundSource:
    """One of the standard sources the migration adds."""
    return FundSource.objects.get(code=code)


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def project(
    user,
    code: str = LINTAN,
    *,
    name: str = "产业到户项目",
    programme: str = "industry",
    year: int = 2015,
    budget: str = "1000000",
):
    return project_create(
        user=user, name=name, programme=programme, division=division(code), year=year, budget=Decimal(budget)
    )


def allocate(user, proj, amount: str, *, kind: str = "central", year: int = 2015):
    return allocation_create(
        user=user,
        project=proj,
        source=source(kind),
        amount=Decimal(amount),
        year=year,
        document_number=f"甘财农〔{year}〕1号",
    )


def pay(
    user,
    proj,
    amount: str,
    *,
    household=None,
    village: str | None = None,
    kind: str = "central",
    on: date = date(2015, 6, 1),
):
    return disbursement_create(
        user=user,
        project=proj,
        source=source(kind),
        amount=Decimal(amount),
        on=on,
        purpose="到户产业",
        household=household,
        village=division(village) if village else None,
    )
