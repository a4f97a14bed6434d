"""Results of the 疑点 checks: each run with its date, and each 疑点 open from a date until fixed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("提示")


class Run(models.Model):
    """One run of the rules over (part of) the register: when, why, and how many 疑点 it found, opened, closed."""

    on = models.DateField(_("检查日期"))
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    trigger = models.CharField(_("触发方式"), max_length=16)  # "command", "import", "save"
    scope = models.CharField(_("检查范围"), max_length=64, blank=True)  # "" = the whole register
    found = models.PositiveIntegerField(_("发现疑点"), default=0)
    opened = models.PositiveIntegerField(_("新增疑点"), default=0)
    closed = models.PositiveIntegerField(_("已消除疑点"), default=0)
    counts = models.JSONField(_("按规则计数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("疑点检查")
        verbose_name_plural = _("疑点检查")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.trigger} {self.found}"


class Issue(models.Model):
    """One 疑点: a rule that a household (or one of its members) breaks, open since `opened_on`.

    A run that no longer finds it closes it (`closed_on`, and `closed_by`: who
    last changed the household before, from the audit trail). A later relapse
    opens a new row, so each row is one span of time.
    """

    rule = models.CharField(_("规则代码"), max_length=8, db_index=True)
    severity = models.CharField(_("级别"), max_length=8, choices=Severity.choices)
    household = models.ForeignKey(
        "households.Household", verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="quality_issues"
    )
    # The household's village, copied as on its members (kept by the rules run and by a move): the county a
    # distributed register would shard this row by (docs/SCALING.md); read by the household, so not indexed.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("家庭成员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quality_issues",
    )
    opened_on = models.DateField(_("发现日期"))
    closed_on = models.DateField(_("消除日期"), null=True, blank=True)
    opened_run = models.ForeignKey(Run, verbose_name=_("发现于"), on_delete=models.PROTECT, related_name="+")
    closed_run = models.ForeignKey(
        Run, verbose_name=_("消除于"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修正人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("疑点")
        verbose_name_plural = _("疑点")
        ordering = ["household_id", "rule", "id"]
        indexes = [models.Index(fields=["closed_on", "rule"], name="quality_issue_open_rule")]

    def __str__(self) -> str:
        return f"{self.rule} {self.household_id} {self.opened_on}"
