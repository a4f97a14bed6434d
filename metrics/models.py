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
