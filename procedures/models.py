"""Cases: the approved procedures (识别、退出、返贫、清退) by which a household's status changes.

A case runs through the steps of its kind in order (procedures.steps). Each
step leaves a CaseStep row: who, when, the outcome and remarks. The final step
(公告) is the only one that writes the register's status, through
households.services.household_status_change. Status changes recorded before
the platform (the national system's history, imports, the demo) are cases
with `historical` set: approved, with their dates on the case and no step rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Standard


class Kind(models.TextChoices):
    IDENTIFY = "identify", _("新识别")
    EXIT = "exit", _("脱贫")
    RETURN = "return", _("返贫")
    REMOVE = "remove", _("清退")
    DISSOLVE = "dissolve", _("自然减少")
    VILLAGE_EXIT = "village_exit", _("贫困村出列")


class StepCode(models.TextChoices):
    APPLY = "apply", _("申请")
    ASSESS = "assess", _("民主评议")
    VERIFY = "verify", _("核实")
    AGREE = "agree", _("户签字认可")
    NOTICE = "notice", _("公示")
    TOWNSHIP = "township", _("乡镇审核")
    NOTICE2 = "notice2", _("第二次公示")
    COUNTY = "county", _("县级审定")
    ANNOUNCE = "announce", _("公告")


class State(models.TextChoices):
    OPEN = "open", _("办理中")
    APPROVED = "approved", _("已公告")
    WITHDRAWN = "withdrawn", _("已撤销")


class ReasonCode(models.TextChoices):
    """Why a household returns to poverty, is removed or leaves by natural change (返贫、清退、自然减少原因)."""

    ILLNESS = "illness", _("因病")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("意外事故")
    JOB_LOSS = "job_loss", _("失业")
    POLICY_ERROR = "policy_error", _("政策性错误（识别不准）")
    INCOME_ABOVE = "income_above", _("收入超标")
    ALL_DIED = "all_died", _("成员全部死亡")
    MOVED_AWAY = "moved_away", _("整户迁出")
    MERGED = "merged", _("并入他户")
    OTHER = "other", _("其他")


class Case(models.Model):
    # Empty for a poor village's exit (出列), whose case is the village's.
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="cases",
        null=True,
        blank=True,
    )
    # The household's village when the case opened (or the exiting village): worklists and scope filter on it.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("办理状态"), max_length=16, choices=State.choices, default=State.OPEN)
    # The next step to run (empty once announced).
    step = models.CharField(_("当前环节"), max_length=16, choices=StepCode.choices, blank=True)
    # Since when the case has waited at `step` (for "overdue").
    step_since = models.DateField(_("进入当前环节日期"))
    reason_code = models.CharField(_("原因类别"), max_length=16, choices=ReasonCode.choices, blank=True)
    reason = models.CharField(_("原因说明"), max_length=200, blank=True)
    # For an exit: decided at county approval (稳定脱贫 or 巩固提升).
    target_status = models.CharField(_("审定结果"), max_length=24, blank=True)
    opened_on = models.DateField(_("启动日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启动人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示截止"), null=True, blank=True)
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)
    rejections = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    last_rejection = models.CharField(_("最近退回原因"), max_length=300, blank=True)
    # An exit whose test failed may go on only with a reason, and the county's explicit approval of it.
    override_reason = models.CharField(_("破例理由"), max_length=300, blank=True)
    # A village's exit: the year whose figures it exits on.
    exit_year = models.PositiveSmallIntegerField(_("出列年度"), null=True, blank=True)
    historical = models.BooleanField(_("历史数据（已审定）"), default=False)
    status_change = models.OneToOneField(
        "households.StatusChange",
        verbose_name=_("状态变更"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理案卷")
        verbose_name_plural = _("办理案卷")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["state", "step", "village"], name="case_worklist"),
        ]
        constraints = [
            # One open case per household: two procedures on one household would race for its status.
            models.UniqueConstraint(fields=["household"], condition=models.Q(state="open"), name="one_open_case"),
            models.UniqueConstraint(
                fields=["village"], condition=models.Q(state="open", kind="village_exit"), name="one_open_village_exit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id or self.village_id}"

    @property
    def subject(self) -> str:
        """What the case is about, as a clerk names it: the household, or the village exiting."""
        if self.household is not None:
            return f"{self.household.code} {self.household.head_name}"
        return self.village.name


class Outcome(models.TextChoices):
    DONE = "done", _("完成")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("退回")


class CaseStep(models.Model):
    """One step taken on a case: who, when, the outcome and remarks, with the step's own facts in `data`."""

    case = models.ForeignKey(Case, verbose_name=_("案卷"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=16, choices=StepCode.choices)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    on = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remarks = models.CharField(_("意见"), max_length=300, blank=True)
    # 民主评议: attendance, votes_for, votes_against; 户签字认可: signed_on; 公示: ends_on; 核实: failures.
    data = models.JSONField(_("记录内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_step_display()}"


class Objection(models.Model):
    """An objection raised while a case was in public notice (公示异议); it blocks the case until resolved."""

    case = models.ForeignKey(Case, verbose_name=_("案卷"), on_delete=models.CASCADE, related_name="objections")
    raised_on = models.DateField(_("提出日期"))
    text = models.CharField(_("异议内容"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["case_id", "raised_on", "id"]

    def __str__(self) -> str:
        return self.text


class StandardLine(models.Model):
    """The poverty line of a year for one identification standard (国家/省定/市定), editable by admins.

    The national line also lives in households.PovertyLine (the metrics read
    it); the exit test reads this table first and falls back to it for 国家标准.
    """

    standard = models.CharField(_("识别标准"), max_length=16, choices=Standard.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("贫困线（元/人·年）"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("分标准贫困线")
        verbose_name_plural = _("分标准贫困线")
        ordering = ["year", "standard"]
        constraints = [models.UniqueConstraint(fields=["standard", "year"], name="standard_line_unique")]

    def __str__(self) -> str:
        return f"{self.get_standard_display()} {self.year}: {self.amount}"


class SchoolingExemption(models.Model):
    """Why a member of school age (6–15) out of school does not fail the exit test."""

    class Reason(models.TextChoices):
        HOME_SCHOOLING = "home_schooling", _("送教上门")
        DISABILITY = "disability", _("因残疾免于入学")

    member = models.OneToOneField(
        "households.Member", verbose_name=_("成员"), on_delete=models.CASCADE, related_name="schooling_exemption"
    )
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("义务教育特殊情况")
        verbose_name_plural = _("义务教育特殊情况")

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_reason_display()}"


class VillageExitRule(models.Model):
    """What a poor village must meet to exit (贫困村出列) in a year: the incidence line and the 六有六通 items required.

    Without a rule for a year, the default applies: incidence below 3% (the
    western provinces' line) and all twelve items.
    """

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    max_incidence = models.DecimalField(_("贫困发生率上限（%）"), max_digits=5, decimal_places=2, default=3)
    items = models.JSONField(
        _("须达标的六有六通项目"),
        default=list,
        blank=True,
        help_text=_("字段名列表，如 road、water；留空表示全部十二项。"),
    )

    class Meta:
        verbose_name = _("贫困村出列标准")
        verbose_name_plural = _("贫困村出列标准")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CountyEvaluation(models.Model):
    """The third-party evaluation of a county's exit (摘帽第三方评估): its figures as reported, entered by hand."""

    county = models.ForeignKey(
        "villages.Division",
        verbose_name=_("县市"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": "county"},
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    wrong_exit_rate = models.DecimalField(_("错退率（%）"), max_digits=5, decimal_places=2)
    missed_rate = models.DecimalField(_("漏评率（%）"), max_digits=5, decimal_places=2)
    satisfaction = models.DecimalField(_("群众认可度（%）"), max_digits=5, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("第三方评估")
        verbose_name_plural = _("第三方评估")
        ordering = ["county_id", "year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="county_evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"
