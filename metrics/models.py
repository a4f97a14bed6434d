from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import GUARANTEE_CHECKS

from .compute import REGISTER_KEYS


class ExitTarget(models.Model):
    """The number of people a region plans to lift out of poverty in a year (年度脱贫任务)."""

    division = models.ForeignKey(
        "villages.Division", verbose_name=_("行政区划"), on_delete=models.CASCADE, related_name="exit_targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    target_population = models.PositiveIntegerField(_("计划脱贫人口"))

    class Meta:
        verbose_name = _("年度脱贫任务")
        verbose_name_plural = _("年度脱贫任务")
        ordering = ["division_id", "year"]
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="exit_target_unique")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year}: {self.target_population}"


class ClosedYear(models.Model):
    """A year whose figures were reported up the chain (年度数据锁定): they are kept as reported.

    While `closed_at` is set, a change dated on or before 31 Dec of the year is
    refused for clerks and taken from admins only as a correction with a reason.
    Reopening clears `closed_at` (audited); closing again stores the figures anew.
    """

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    closed_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("锁定人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("年度数据锁定")
        verbose_name_plural = _("年度数据锁定")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class ReportedFigures(models.Model):
    """Every figure of one region for a closed year, as reported when the year was closed."""

    closed_year = models.ForeignKey(
        ClosedYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="figures"
    )
    division = models.ForeignKey(
        "villages.Division", verbose_name=_("行政区划"), on_delete=models.CASCADE, related_name="+"
    )
    figures = models.JSONField(_("上报数据"))

    class Meta:
        verbose_name = _("上报数据")
        verbose_name_plural = _("上报数据")
        constraints = [models.UniqueConstraint(fields=["closed_year", "division"], name="reported_figures_unique")]

    def __str__(self) -> str:
        return f"{self.closed_year_id} {self.division_id}"


class RegisterRollup(models.Model):
    """A village's register figures for one year, kept up to date by every write (`metrics.rollups`).

    One table for the figures and their splits, told apart by `kind`: a row
    with kind "" holds every key of `compute.REGISTER_KEYS` (stocks at the end
    of the year, flows of the year); a row with kind "main_cause" or
    "attribute" holds the poor population of one `code` of that split (its
    other columns stay 0). One table, so a region's figures and splits are one
    GROUP BY (the pages' query counts stay what they were) and a village is
    refreshed by one DELETE and one INSERT. Rows per village and year: one, plus
    one per cause and attribute present, whatever the number of households.
    Every figure adds up over villages (natural change too: joined minus left
    sums like its parts), so a region's row is the SUM of its villages' rows.

    `latest` marks the rows of the last year the rollup was built for: no
    change can be dated after the day it was built, so those stocks hold for
    every later year (and the flows are 0) until the next write rebuilds the
    village: a new year needs no job to appear.
    """

    village = models.ForeignKey("villages.Division", verbose_name=_("村"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    latest = models.BooleanField(_("最新年度"), default=False)
    kind = models.CharField(_("分组"), max_length=16, blank=True, default="")
    code = models.PositiveSmallIntegerField(_("分组代码"), default=0)

    class Meta:
        verbose_name = _("村年度汇总")
        verbose_name_plural = _("村年度汇总")
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "kind", "code"], name="register_rollup_unique")
        ]
        # A region's read (`queries.register_rollups`) asks for years and a kind, and a village's `latest` rows
        # before them; the prefecture's is every village, where the prefix narrows nothing. With these the
        # read fetches its years' rows only: the prefecture's one year 11 → 3 ms, its run of years 14 → 7 ms.
        indexes = [
            models.Index(fields=["year", "kind"], name="register_rollup_year_kind"),
            models.Index(fields=["year"], condition=models.Q(latest=True), name="register_rollup_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.kind}{self.code or ''}"


# One column per figure of the register, named like its key, so the table follows the registry
# (a new key is a new column: `makemigrations --check` says so).
for _key in REGISTER_KEYS:
    RegisterRollup.add_to_class(_key, models.IntegerField(default=0))
del _key


class GuaranteeRollup(models.Model):
    """A village's 两不愁三保障 for one year (`metrics.guarantees`), kept up to date by every write.

    Of the village's households poor at the end of the year with a yearly record
    for it: how many (`households`), and how many fail each check (one column per
    field of `households.models.GUARANTEE_CHECKS`). A region's chart is the SUM of
    its villages' rows, so its cost does not grow with the register.
    """

    village = models.ForeignKey("villages.Division", verbose_name=_("村"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    households = models.IntegerField(_("有年度记录的贫困户数"), default=0)

    class Meta:
        verbose_name = _("村年度两不愁三保障汇总")
        verbose_name_plural = _("村年度两不愁三保障汇总")
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="guarantee_rollup_unique")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


for _field, _label in GUARANTEE_CHECKS:
    GuaranteeRollup.add_to_class(_field, models.IntegerField(_label, default=0))
del _field, _label
