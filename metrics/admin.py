from django.contrib import admin

from households.admin import ReadOnlyAdmin

from .models import ClosedYear, ExitTarget, ReportedFigures


@admin.register(ExitTarget)
class ExitTargetAdmin(admin.ModelAdmin[ExitTarget]):
    list_display = ["division", "year", "target_population"]
    list_filter = ["year", "division__level"]
    list_editable = ["target_population"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]


@admin.register(ClosedYear)
class ClosedYearAdmin(ReadOnlyAdmin):
    """Read-only: years are closed and reopened on the 年度数据锁定 page (/years/), which audits both."""

    list_display = ["year", "closed_at", "closed_by"]


@admin.register(ReportedFigures)
class ReportedFiguresAdmin(ReadOnlyAdmin):
    list_display = ["closed_year", "division"]
    list_filter = ["closed_year"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]
