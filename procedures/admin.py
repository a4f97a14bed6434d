from django.contrib import admin

from .models import Case, CaseStep, CountyEvaluation, Objection, SchoolingExemption, StandardLine, VillageExitRule


@admin.register(StandardLine)
class StandardLineAdmin(admin.ModelAdmin):
    """Admins set each year's line per standard; the exit test reads it (国家标准 falls back to 贫困线)."""

    list_display = ["year", "standard", "amount"]
    list_filter = ["standard"]


@admin.register(SchoolingExemption)
class SchoolingExemptionAdmin(admin.ModelAdmin):
    list_display = ["member", "reason", "note"]
    list_filter = ["reason"]
    raw_id_fields = ["member"]


class CaseStepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    can_delete = False
    readonly_fields = ["step", "outcome", "on", "by", "remarks", "data"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read only: cases change only through their steps (the case pages), never by editing rows."""

    list_display = ["household", "kind", "state", "step", "opened_on", "announced_on", "historical"]
    list_filter = ["kind", "state", "step", "historical"]
    search_fields = ["household__code", "household__head_name"]
    raw_id_fields = ["household", "village", "status_change", "opened_by"]
    inlines = [CaseStepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["case", "raised_on", "text", "resolved_on"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(VillageExitRule)
class VillageExitRuleAdmin(admin.ModelAdmin):
    list_display = ["year", "max_incidence", "items"]


@admin.register(CountyEvaluation)
class CountyEvaluationAdmin(admin.ModelAdmin):
    """Read only here: the figures are entered (and audited) on the 摘帽 page."""

    list_display = ["county", "year", "wrong_exit_rate", "missed_rate", "satisfaction"]
    list_filter = ["year"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
