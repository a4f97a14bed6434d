from django.db import models
from django.utils.translation import gettext_lazy as _


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
