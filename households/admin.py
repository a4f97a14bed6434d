"""Admin pages of the register: read-only, so that no write bypasses households/services/."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.services import Action, audit_record, diff, snapshot
from gannan.admin import ReadOnlyAdmin

from .models import Household, HouseholdYear, Member, PovertyLine, StatusChange


def _platform_link(household_id: int) -> str:
    return format_html('<a href="{}">{}</a>', reverse("households:edit", args=[household_id]), _("在平台中修改"))


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["code", "head_name", "village", "member_count", "attribute", "main_cause", "status", "edit_link"]
    list_filter = ["status", "attribute", "main_cause", "standard", "identified_year"]
    search_fields = ["code", "head_name", "village__name", "village__code"]
    list_select_related = ["village"]
    readonly_fields = ["edit_link"]

    def get_fields(self, request, obj=None):
        return ["edit_link", *(f for f in super().get_fields(request, obj) if f != "edit_link")]

    @admin.display(description=_("修改"))
    def edit_link(self, obj: Household) -> str:
        return _platform_link(obj.pk)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "id_number", "household", "relation", "sex", "birth_date", "edit_link"]
    list_filter = ["relation", "sex", "ethnicity", "health", "labour"]
    search_fields = ["name", "id_number", "household__code"]
    list_select_related = ["household"]
    readonly_fields = ["edit_link"]

    @admin.display(description=_("修改"))
    def edit_link(self, obj: Member) -> str:
        return _platform_link(obj.household_id)


@admin.register(HouseholdYear)
class HouseholdYearAdmin(ReadOnlyAdmin):
    list_display = [
        "household",
        "year",
        "income_per_capita",
        "enough_food",
        "enough_clothing",
        "education_secured",
        "medical_secured",
        "housing_secured",
    ]
    list_filter = ["year"]
    search_fields = ["household__code", "household__head_name"]
    list_select_related = ["household"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["household", "status", "date", "ended_on", "previous_status", "by", "reason"]
    list_filter = ["status", "previous_status"]
    search_fields = ["household__code", "household__head_name", "reason"]
    list_select_related = ["household", "by"]
    date_hierarchy = "date"


@admin.register(PovertyLine)
class PovertyLineAdmin(admin.ModelAdmin):
    """Admins set the line of each new year here; every change is audited."""

    list_display = ["year", "amount"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def save_model(self, request, obj, form, change):
        before = snapshot(PovertyLine.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit_record(
            user=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            changes=diff(before, snapshot(obj)),
            summary=str(obj),
        )

    def delete_model(self, request, obj):
        audit_record(
            user=request.user, action=Action.DELETE, obj=obj, changes=diff(snapshot(obj), {}), summary=str(obj)
        )
        super().delete_model(request, obj)
