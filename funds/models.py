"""Money: where it came from (sources, allocations), where it went (disbursements,
measures, loans) and the village mutual-aid funds. Amounts are yuan, Decimal."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Cause

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}  # DecimalField keywords


class SourceKind(models.TextChoices):
    CENTRAL = "central", _("中央财政专项扶贫资金")
    PROVINCIAL = "provincial", _("省级财政专项扶贫资金")
    PREFECTURE = "prefecture", _("州级财政专项扶贫资金")
    COUNTY = "county", _("县级财政专项扶贫资金")
    INTEGRATED = "integrated", _("涉农整合资金")
    TIANJIN = "tianjin", _("天津对口援助")
    ASSIGNED = "assigned", _("定点扶贫")
    SHUANGLIAN = "shuanglian", _("双联资金")
    CREDIT = "credit", _("信贷资金")


# 财政专项扶贫资金: the budgets' special poverty funds, the base of 到户资金占比.
SPECIAL_KINDS = (SourceKind.CENTRAL, SourceKind.PROVINCIAL, SourceKind.PREFECTURE, SourceKind.COUNTY)


class Programme(models.TextChoices):
    INDUSTRY = "industry", _("产业扶持")
    TRAINING = "training", _("培训输转")
    RELOCATION = "relocation", _("易地搬迁")
    ECOLOGY = "ecology", _("生态保护")
    EDUCATION = "education", _("发展教育")
    DIBAO = "dibao", _("低保兜底")
    DISABILITY = "disability", _("残疾人两项补贴")
    MEDICAL = "medical", _("医疗保障")
    WHOLE_VILLAGE = "whole_village", _("整村推进")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    ECO_VILLAGE = "eco_village", _("生态文明小康村")


# Which programmes answer which main cause of poverty (glossary, 七大精准脱贫工程). Training does not
# answer a lack of labour (no one to train): the minimum-living guarantee does; a disability needs the
# disability subsidies (困难残疾人生活补贴、重度残疾人护理补贴); a lack of drive needs a programme too
# (扶志: training and labour transfer). Causes missing here (因婚, 因丧, 其他) have no answering programme.
CAUSE_PROGRAMMES: dict[int, tuple[str, ...]] = {
    Cause.ILLNESS: (Programme.MEDICAL,),
    Cause.SCHOOLING: (Programme.EDUCATION,),
    Cause.DISABILITY: (Programme.DISABILITY,),
    Cause.LACK_CAPITAL: (Programme.INDUSTRY,),
    Cause.LACK_LAND: (Programme.INDUSTRY,),
    Cause.LACK_SKILLS: (Programme.TRAINING,),
    Cause.LACK_LABOUR: (Programme.DIBAO,),
    Cause.LACK_DRIVE: (Programme.TRAINING,),
    Cause.LACK_WATER: (Programme.RELOCATION,),
    Cause.POOR_TRANSPORT: (Programme.RELOCATION,),
    Cause.DISASTER: (Programme.RELOCATION,),
}


class FundSource(models.Model):
    """A source of money (资金来源): a budget, a partner or a bank. Admins add them."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16, choices=SourceKind.choices)

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    ONGOING = "ongoing", _("实施中")
    COMPLETED = "completed", _("已完工")


class Project(models.Model):
    """A poverty-alleviation project (扶贫项目) run in a county, township or village."""

    name = models.CharField(_("项目名称"), max_length=120)
    programme = models.CharField(_("项目类别"), max_length=16, choices=Programme.choices)
    division = models.ForeignKey(
        "villages.Division", verbose_name=_("实施区划"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = models.DecimalField(_("预算（元）"), **MONEY)
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.ONGOING)

    class Meta:
        verbose_name = _("扶贫项目")
        verbose_name_plural = _("扶贫项目")
        ordering = ["-year", "division_id", "name"]
        indexes = [models.Index(fields=["division", "year"], name="project_division_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Allocation(models.Model):
    """Money from a source put into a project (资金到位), with its document number (文号)."""

    source = models.ForeignKey(
        FundSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    year = models.PositiveSmallIntegerField(_("年度"))
    document_number = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.source} → {self.project}: {self.amount}"


class Disbursement(models.Model):
    """Money paid out of a project to a household (到户) or to a village (到村).

    `village` is always set (the household's village for 到户), so scope and
    regional sums filter one column; `source` says which fund paid it.
    """

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="disbursements")
    source = models.ForeignKey(
        FundSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="disbursements"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    date = models.DateField(_("拨付日期"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["village", "date"], name="disbursement_village_date")]

    def __str__(self) -> str:
        return f"{self.project} {self.amount}"

    @property
    def to_household(self) -> bool:
        return self.household_id is not None


class Measure(models.Model):
    """An assistance measure (帮扶措施) given to a household."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="measures"
    )
    # The household's village, copied (kept by every writer and by a move): a region's measures by index.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    programme = models.CharField(_("帮扶类别"), max_length=16, choices=Programme.choices)
    content = models.CharField(_("帮扶内容"), max_length=200)
    amount = models.DecimalField(_("金额（元）"), default=0, **MONEY)
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.CharField(_("帮扶单位"), max_length=64, blank=True)
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    disbursement = models.ForeignKey(
        Disbursement,
        verbose_name=_("资金拨付"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["-year", "id"]
        # Do a household's measures answer its cause by a year (funds.selectors.cause_measure_gap_filter).
        indexes = [
            models.Index(fields=["household", "programme", "year"], name="measure_answers"),
            models.Index(fields=["village", "year"], name="measure_village"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_programme_display()} {self.content}"


class LoanStatus(models.TextChoices):
    CURRENT = "current", _("正常")
    REPAID = "repaid", _("已结清")
    OVERDUE = "overdue", _("逾期")


class Loan(models.Model):
    """A targeted poverty-alleviation loan (精准扶贫专项贷款) to a household."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        "households.Member", verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="loans"
    )
    # The household's village, copied (kept by every writer and by a move): a region's loans by index.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    bank = models.CharField(_("贷款银行"), max_length=64)
    amount = models.DecimalField(_("贷款金额（元）"), **MONEY)
    issued_on = models.DateField(_("发放日期"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=LoanStatus.choices, default=LoanStatus.CURRENT)
    interest_subsidy = models.DecimalField(_("财政贴息（元）"), default=0, **MONEY)

    class Meta:
        verbose_name = _("精准扶贫专项贷款")
        verbose_name_plural = _("精准扶贫专项贷款")
        ordering = ["-issued_on", "id"]
        indexes = [models.Index(fields=["village", "issued_on"], name="loan_village")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.amount}"


class MutualAidFund(models.Model):
    """A village's mutual-aid fund (互助资金协会): one per village."""

    village = models.OneToOneField(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="mutual_aid_fund"
    )
    name = models.CharField(_("名称"), max_length=120)
    founded_year = models.PositiveSmallIntegerField(_("成立年度"))

    class Meta:
        verbose_name = _("互助资金协会")
        verbose_name_plural = _("互助资金协会")
        ordering = ["village_id"]

    def __str__(self) -> str:
        return self.name


class MutualAidCapital(models.Model):
    """Capital paid into a mutual-aid fund from one source."""

    fund = models.ForeignKey(
        MutualAidFund, verbose_name=_("互助资金协会"), on_delete=models.CASCADE, related_name="capital"
    )
    source = models.ForeignKey(FundSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("互助资金本金")
        verbose_name_plural = _("互助资金本金")
        ordering = ["fund_id", "year", "id"]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.year} {self.amount}"


class MutualAidMember(models.Model):
    """A household that joined a village's mutual-aid fund (入社农牧户)."""

    fund = models.ForeignKey(
        MutualAidFund, verbose_name=_("互助资金协会"), on_delete=models.CASCADE, related_name="members"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("贫困户"),
        on_delete=models.PROTECT,
        related_name="mutual_aid_memberships",
    )
    joined_on = models.DateField(_("入社日期"))

    class Meta:
        verbose_name = _("入社农牧户")
        verbose_name_plural = _("入社农牧户")
        ordering = ["fund_id", "id"]
        constraints = [models.UniqueConstraint(fields=["fund", "household"], name="mutual_aid_member_unique")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.household_id}"


class MutualAidLoan(models.Model):
    """A loan from a mutual-aid fund to one of its members (借款)."""

    fund = models.ForeignKey(
        MutualAidFund, verbose_name=_("互助资金协会"), on_delete=models.CASCADE, related_name="loans"
    )
    member = models.ForeignKey(
        MutualAidMember, verbose_name=_("借款社员"), on_delete=models.PROTECT, related_name="loans"
    )
    amount = models.DecimalField(_("借款金额（元）"), **MONEY)
    issued_on = models.DateField(_("借款日期"))
    due_on = models.DateField(_("到期日期"))

    class Meta:
        verbose_name = _("互助资金借款")
        verbose_name_plural = _("互助资金借款")
        ordering = ["fund_id", "-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.issued_on} {self.amount}"


class MutualAidRepayment(models.Model):
    """A repayment of a mutual-aid loan (还款)."""

    loan = models.ForeignKey(MutualAidLoan, verbose_name=_("借款"), on_delete=models.CASCADE, related_name="repayments")
    amount = models.DecimalField(_("还款金额（元）"), **MONEY)
    date = models.DateField(_("还款日期"))

    class Meta:
        verbose_name = _("互助资金还款")
        verbose_name_plural = _("互助资金还款")
        ordering = ["loan_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.date} {self.amount}"


# The funds figures a rollup row holds (`funds.rollups`): counts, then yuan. Each is a column of FundsRollup.
ROLLUP_COUNTS = [
    "exited_households",
    "exited_households_below_support_line",
    "exited_population",
    "loan_eligible_households",
    "loan_households",
    "mutual_aid_villages",
    "mutual_aid_member_households",
    "cause_measure_gap_households",
]
ROLLUP_MONEY = [
    "special_disbursed",
    "special_to_households",
    "funds_disbursed",
    "exited_household_support",
    "loans_lent",
    "loans_outstanding",
    "loans_overdue",
    "mutual_aid_capital",
    "mutual_aid_lent",
    "mutual_aid_overdue_lent",
    "mutual_aid_repaid",
    "mutual_aid_overdue_repaid",
    "allocated",
    "project_disbursed",
]


class FundsRollup(models.Model):
    """The funds figures of one division for one year, kept up to date by every write (`funds.rollups`).

    The sibling of `metrics.RegisterRollup`, rebuilt, touched and verified by the
    same registry (`metrics.rollups.TABLES`). Rows told apart by `kind`:

    - "": a village's figures of `year` (exits and their support, loan coverage and
      the cause–measure gaps at the end of the year; money paid, loans issued,
      mutual-aid capital, members, loans and repayments dated in the year). One row
      per village for every year the rollup was built for, even with no money.
    - "gap_cause": the village's gap households of one main cause (`code`).
    - "allocation": money allocated to the projects of `division` (a county, a
      township or a village) in `year`, `code` = "<source kind>:<programme>".
    - "project_paid": money those projects paid out in `year`.

    Every column adds up over divisions; the pages derive the ratios from the sums.
    """

    division = models.ForeignKey(
        "villages.Division", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("分组"), max_length=16, blank=True, default="")
    code = models.CharField(_("分组代码"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("资金年度汇总")
        verbose_name_plural = _("资金年度汇总")
        constraints = [models.UniqueConstraint(fields=["division", "year", "kind", "code"], name="funds_rollup_unique")]
        # A region's reads (`rollups.figures`, the project charts) ask for kinds and years; the prefecture's rows
        # are every division, where the code's range narrows nothing (its figures 13 → 7 ms, its charts 8 → 1 ms).
        indexes = [models.Index(fields=["kind", "year"], name="funds_rollup_kind_year")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year} {self.kind}{self.code}"


for _name in ROLLUP_COUNTS:
    FundsRollup.add_to_class(_name, models.IntegerField(default=0))
for _name in ROLLUP_MONEY:
    FundsRollup.add_to_class(_name, models.DecimalField(default=0, **MONEY))
del _name
