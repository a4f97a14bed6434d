"""Every write to funds, measures, loans and mutual-aid funds goes through these functions.

Each checks the writer's region (clerks of the region, admins everywhere),
the money rules (a project never pays out more than it received; loans at
most 5万元 for 36 months to a borrower aged 18-65), writes inside one
transaction and leaves an audit entry. A refused write writes nothing. A write
that moves a figure of the funds section refreshes the rollups of the villages
(and the project's division) it touched, in the same transaction (`rollups_touch`).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record, diff, snapshot
from households.models import Household, Member
from metrics.rollups import rollups_touch
from villages.models import Division, Level
from villages.scope import can_edit_region

from . import rollups
from .models import (
    Allocation,
    Disbursement,
    FundSource,
    Loan,
    LoanStatus,
    Measure,
    MutualAidCapital,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    MutualAidRepayment,
    Project,
)

FUNDS = ["funds"]  # a funds write moves the funds section's rollups, not the register's

LOAN_MAX_AMOUNT = Decimal("50000")
LOAN_MAX_TERM_MONTHS = 36
BORROWER_MIN_AGE = 18
BORROWER_MAX_AGE = 65
ZERO = Decimal("0")


def check_can_write(user: User, code: str) -> None:
    """PermissionDenied unless `user` may write funds of the division `code` (clerks in region, admins)."""
    if not can_edit_region(user, code):
        raise PermissionDenied(_("您无权修改该地区的资金数据。"))


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None


def _positive(amount: Decimal, field: str = "amount") -> None:
    if Decimal(amount) <= 0:
        raise ValidationError({field: [_("金额必须大于零。")]})


def _save_audited(
    *, user: User, obj: models.Model, region_code: str, household_code: str = "", summary: str = "", batch: str = ""
) -> None:
    obj.save()
    audit_record(
        user=user,
        action=Action.CREATE,
        obj=obj,
        changes=diff({}, snapshot(obj)),
        household_code=household_code,
        region_code=region_code,
        summary=summary or str(obj),
        batch=batch,
    )


def _sum(qs: models.QuerySet, field: str = "amount") -> Decimal:
    return qs.aggregate(total=Coalesce(Sum(field), ZERO, output_field=models.DecimalField()))["total"]


# --- sources and projects ------------------------------------------------------------------


def fund_source_create(*, user: User, code: str, name: str, kind: str) -> FundSource:
    """Add a fund source; admins only."""
    if not user.is_admin:
        raise PermissionDenied(_("只有管理员可以新增资金来源。"))
    source = FundSource(code=code, name=name, kind=kind)
    _clean(source)
    with transaction.atomic():
        _save_audited(user=user, obj=source, region_code="", summary=name)
    return source


def project_create(
    *, user: User, name: str, programme: str, division: Division, year: int, budget: Decimal, status: str = "ongoing"
) -> Project:
    if division.level not in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        raise ValidationError({"division": [_("项目只能设在县、乡镇或村。")]})
    check_can_write(user, division.code)
    project = Project(name=name, programme=programme, division=division, year=year, budget=budget, status=status)
    _clean(project)
    if Decimal(budget) < 0:
        raise ValidationError({"budget": [_("不能为负数。")]})
    with transaction.atomic():
        _save_audited(user=user, obj=project, region_code=division.code, summary=name)
    return project


def allocation_create(
    *, user: User, project: Project, source: FundSource, amount: Decimal, year: int, document_number: str = ""
) -> Allocation:
    """Record money from `source` arriving in `project` (资金到位)."""
    check_can_write(user, project.division_id)
    _positive(amount)
    allocation = Allocation(project=project, source=source, amount=amount, year=year, document_number=document_number)
    _clean(allocation)
    with transaction.atomic():
        _save_audited(
            user=user, obj=allocation, region_code=project.division_id, summary=f"{project.name} {source.name} {amount}"
        )
        rollups_touch(project.division_id, tables=FUNDS)
    return allocation


def project_balance(*, project: Project) -> Decimal:
    """Money allocated to the project and not yet paid out, yuan."""
    allocated = _sum(Allocation.objects.filter(project=project))
    paid = _sum(Disbursement.objects.filter(project=project))
    return allocated - paid


def disbursement_create(
    *,
    user: User,
    project: Project,
    source: FundSource,
    amount: Decimal,
    on: date,
    purpose: str = "",
    household: Household | None = None,
    village: Division | None = None,
) -> Disbursement:
    """Pay money from `project` to a household (到户) or, with no household, to `village` (到村).

    Refused when the project's payments would exceed its allocations, saying by how much.
    """
    if household is not None:
        village = household.village
    if village is None or village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("请选择受益的贫困户或村。")]})
    check_can_write(user, project.division_id)
    check_can_write(user, village.code)
    if not village.code.startswith(project.division.prefix):
        raise ValidationError({"village": [_("受益村不在项目实施区划 %(d)s 内。") % {"d": project.division.name}]})
    _positive(amount)
    disbursement = Disbursement(
        project=project, source=source, household=household, village=village, amount=amount, date=on, purpose=purpose
    )
    _clean(disbursement)
    with transaction.atomic():
        # Lock the project so two clerks paying at once cannot both pass the check.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        excess = Decimal(amount) - project_balance(project=project)
        if excess > 0:
            raise ValidationError({"amount": [_("超出已到位资金 %(x)s 元。") % {"x": f"{excess:,.2f}"}]})
        _save_audited(
            user=user,
            obj=disbursement,
            region_code=village.code,
            household_code=household.code if household else "",
            summary=f"{project.name} {amount}",
        )
        rollups_touch(village.code, project.division_id, tables=FUNDS)
    return disbursement


# --- households: measures and loans ----------------------------------------------------------


def measure_create(
    *,
    user: User,
    household: Household,
    programme: str,
    content: str,
    year: int,
    amount: Decimal = ZERO,
    unit: str = "",
    project: Project | None = None,
    disbursement: Disbursement | None = None,
) -> Measure:
    check_can_write(user, household.village_id)
    if Decimal(amount) < 0:
        raise ValidationError({"amount": [_("不能为负数。")]})
    if disbursement is not None and disbursement.household_id != household.pk:
        raise ValidationError({"disbursement": [_("该笔拨付不是发给本户的。")]})
    if disbursement is not None and project is None:
        project = disbursement.project
    measure = Measure(
        household=household,
        village_id=household.village_id,
        programme=programme,
        content=content,
        year=year,
        amount=amount,
        unit=unit,
        project=project,
        disbursement=disbursement,
    )
    _clean(measure)
    with transaction.atomic():
        _save_audited(
            user=user,
            obj=measure,
            region_code=household.village_id,
            household_code=household.code,
            summary=f"{household.code} {measure}",
        )
        rollups_touch(household.village_id, tables=FUNDS)
    return measure


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def loan_check(*, household: Household, borrower: Member, amount: Decimal, issued_on: date, term_months: int) -> None:
    """The glossary's loan rules; a ValidationError keyed by field says which one failed."""
    errors: dict[str, list[str]] = {}
    if Decimal(amount) <= 0:
        errors["amount"] = [_("金额必须大于零。")]
    elif Decimal(amount) > LOAN_MAX_AMOUNT:
        errors["amount"] = [_("精准扶贫专项贷款每户最多 5 万元，本笔为 %(a)s 元。") % {"a": f"{Decimal(amount):,.2f}"}]
    if term_months <= 0 or term_months > LOAN_MAX_TERM_MONTHS:
        errors["term_months"] = [_("贷款期限最长 3 年（36 个月），本笔为 %(m)d 个月。") % {"m": term_months}]
    if borrower.household_id != household.pk:
        errors["borrower"] = [_("借款人必须是本户成员。")]
    else:
        age = _age_on(borrower.birth_date, issued_on)
        if not BORROWER_MIN_AGE <= age <= BORROWER_MAX_AGE:
            errors["borrower"] = [
                _("借款人须年满 18 周岁且不超过 65 周岁，%(name)s 在发放日为 %(age)d 岁。")
                % {"name": borrower.name, "age": age}
            ]
    if errors:
        raise ValidationError(errors)


def loan_create(
    *,
    user: User,
    household: Household,
    borrower: Member,
    bank: str,
    amount: Decimal,
    issued_on: date,
    term_months: int,
    purpose: str = "",
    status: str = LoanStatus.CURRENT,
    interest_subsidy: Decimal = ZERO,
) -> Loan:
    check_can_write(user, household.village_id)
    loan_check(household=household, borrower=borrower, amount=amount, issued_on=issued_on, term_months=term_months)
    loan = Loan(
        household=household,
        village_id=household.village_id,
        borrower=borrower,
        bank=bank,
        amount=amount,
        issued_on=issued_on,
        term_months=term_months,
        purpose=purpose,
        status=status,
        interest_subsidy=interest_subsidy,
    )
    _clean(loan)
    with transaction.atomic():
        _save_audited(
            user=user,
            obj=loan,
            region_code=household.village_id,
            household_code=household.code,
            summary=f"{household.code} {bank} {amount}",
        )
        rollups_touch(household.village_id, tables=FUNDS)
    return loan


def loan_status_set(*, user: User, loan: Loan, status: str) -> Loan:
    """Mark a loan current, repaid or overdue."""
    household = loan.household
    check_can_write(user, household.village_id)
    if status not in LoanStatus.values:
        raise ValidationError({"status": [_("无效的状态。")]})
    before = snapshot(loan, ["status"])
    loan.status = status
    with transaction.atomic():
        loan.save(update_fields=["status"])
        audit_record(
            user=user,
            action=Action.UPDATE,
            obj=loan,
            changes=diff(before, snapshot(loan, ["status"])),
            household_code=household.code,
            region_code=household.village_id,
            summary=str(loan),
        )
        rollups_touch(household.village_id, tables=FUNDS)
    return loan


# --- mutual-aid funds -------------------------------------------------------------------------


def mutual_aid_fund_create(*, user: User, village: Division, name: str, founded_year: int) -> MutualAidFund:
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("互助资金协会只能设在村一级。")]})
    check_can_write(user, village.code)
    if MutualAidFund.objects.filter(village=village).exists():
        raise ValidationError({"village": [_("%(v)s 已有互助资金协会。") % {"v": village.name}]})
    fund = MutualAidFund(village=village, name=name, founded_year=founded_year)
    _clean(fund)
    with transaction.atomic():
        _save_audited(user=user, obj=fund, region_code=village.code, summary=name)
        rollups_touch(village.code, tables=FUNDS)
    return fund


def mutual_aid_capital_add(
    *, user: User, fund: MutualAidFund, source: FundSource, amount: Decimal, year: int
) -> MutualAidCapital:
    check_can_write(user, fund.village_id)
    _positive(amount)
    capital = MutualAidCapital(fund=fund, source=source, amount=amount, year=year)
    _clean(capital)
    with transaction.atomic():
        _save_audited(user=user, obj=capital, region_code=fund.village_id, summary=f"{fund.name} {amount}")
        rollups_touch(fund.village_id, tables=FUNDS)
    return capital


def mutual_aid_member_add(*, user: User, fund: MutualAidFund, household: Household, joined_on: date) -> MutualAidMember:
    check_can_write(user, fund.village_id)
    if household.village_id != fund.village_id:
        raise ValidationError({"household": [_("只有本村农牧户可以入社。")]})
    if MutualAidMember.objects.filter(fund=fund, household=household).exists():
        raise ValidationError({"household": [_("该户已经入社。")]})
    membership = MutualAidMember(fund=fund, household=household, joined_on=joined_on)
    with transaction.atomic():
        _save_audited(
            user=user,
            obj=membership,
            region_code=fund.village_id,
            household_code=household.code,
            summary=f"{fund.name} {household.code}",
        )
        rollups_touch(fund.village_id, tables=FUNDS)
    return membership


def mutual_aid_available(*, fund: MutualAidFund) -> Decimal:
    """Capital not lent out: capital − loans + repayments, yuan."""
    capital = _sum(MutualAidCapital.objects.filter(fund=fund))
    lent = _sum(MutualAidLoan.objects.filter(fund=fund))
    repaid = _sum(MutualAidRepayment.objects.filter(loan__fund=fund))
    return capital - lent + repaid


def mutual_aid_loan_create(
    *, user: User, member: MutualAidMember, amount: Decimal, issued_on: date, due_on: date
) -> MutualAidLoan:
    fund = member.fund
    check_can_write(user, fund.village_id)
    _positive(amount)
    if due_on <= issued_on:
        raise ValidationError({"due_on": [_("到期日期必须晚于借款日期。")]})
    loan = MutualAidLoan(fund=fund, member=member, amount=amount, issued_on=issued_on, due_on=due_on)
    with transaction.atomic():
        MutualAidFund.objects.select_for_update().filter(pk=fund.pk).first()
        excess = Decimal(amount) - mutual_aid_available(fund=fund)
        if excess > 0:
            raise ValidationError({"amount": [_("超出互助资金可借余额 %(x)s 元。") % {"x": f"{excess:,.2f}"}]})
        _save_audited(
            user=user,
            obj=loan,
            region_code=fund.village_id,
            household_code=member.household.code,
            summary=f"{fund.name} {amount}",
        )
        rollups_touch(fund.village_id, tables=FUNDS)
    return loan


def mutual_aid_repayment_add(*, user: User, loan: MutualAidLoan, amount: Decimal, on: date) -> MutualAidRepayment:
    check_can_write(user, loan.fund.village_id)
    _positive(amount)
    with transaction.atomic():
        MutualAidLoan.objects.select_for_update().filter(pk=loan.pk).first()
        owed = Decimal(loan.amount) - _sum(MutualAidRepayment.objects.filter(loan=loan))
        if Decimal(amount) > owed:
            raise ValidationError({"amount": [_("还款超出未还余额 %(x)s 元。") % {"x": f"{owed:,.2f}"}]})
        repayment = MutualAidRepayment(loan=loan, amount=amount, date=on)
        _save_audited(user=user, obj=repayment, region_code=loan.fund.village_id, summary=f"{loan.pk} {amount}")
        rollups_touch(loan.fund.village_id, tables=FUNDS)
    return repayment


def funds_rollups_build(*, year: int) -> int:
    """Build the funds rollups of every village that has none for `year` (a new year); the villages built.

    Through the registry's hook, as a write refreshes its villages, a county per transaction: a clerk's save
    in a village meanwhile waits for that county's rows, or is waited for (`metrics.rollups._one_at_a_time`).
    """
    missing = rollups.villages_without(year)
    for county in sorted({code[:6] for code in missing}):
        rollups_touch(*(code for code in missing if code.startswith(county)), tables=["funds"])
    return len(missing)
