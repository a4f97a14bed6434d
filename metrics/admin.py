from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from gannan.admin import ReadOnlyAdmin

from .guarantees import CHECKS as GUARANTEE_FIELDS
from .models import ClosedYear, ExitTarget, GuaranteeRollup, RegisterRollup, ReportedFigures
from .services import exit_target_delete, exit_target_save


@admin.register(ExitTarget)
class ExitTargetAdmin(admin.ModelAdmin[ExitTarget]):
    """Admins set the targets here; every write goes through metrics.services, which audits it."""

    list_display = ["division", "year", "target_population"]
    list_filter = ["year", "division__level"]
    list_editable = ["target_population"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]

    def save_model(self, request: HttpRequest, obj: ExitTarget, form: object, change: bool) -> None:
        exit_target_save(user=_user(request), target=obj)

    def delete_model(self, request: HttpRequest, obj: ExitTarget) -> None:
        exit_target_delete(user=_user(request), target=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ExitTarget]) -> None:
        for target in queryset:
            exit_target_delete(user=_user(request), target=target)


def _user(request: HttpRequest) -> User:
    # The admin site lets in only logged-in admins, so request.user is an accounts.User (the stubs allow anonymous).
    return cast(User, request.user)


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


@admin.register(RegisterRollup)
class RegisterRollupAdmin(ReadOnlyAdmin):
    """Read-only: the rollups are derived from the register (`manage.py rebuild_rollups`, `verify_rollups`)."""

    list_display = ["village", "year", "kind", "code", "poor_households", "poor_population", "latest"]
    list_filter = ["year", "kind"]
    search_fields = ["village__code", "village__name"]
    raw_id_fields = ["village"]


@admin.register(GuaranteeRollup)
class GuaranteeRollupAdmin(ReadOnlyAdmin):
    """Read-only: derived from the yearly records (`manage.py rebuild_rollups`, `verify_rollups`)."""

    list_display = ["village", "year", "households", *GUARANTEE_FIELDS]
    list_filter = ["year"]
    search_fields = ["village__code", "village__name"]
    raw_id_fields = ["village"]
