"""Admin pages for funds: read-only except adding fund sources, so no write bypasses funds/services.py."""

from django.contrib import admin

from gannan.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Allocation,
    Disbursement,
    FundSource,
    FundsRollup,
    Loan,
    Measure,
    MutualAidCapital,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    MutualAidRepayment,
    Project,
)
from .services import fund_source_create


@admin.register(FundSource)
class FundSourceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind"]
    fields = ["code", "name", "kind"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_admin

    def save_model(self, request, obj, form, change):
        created = fund_source_create(user=request.user, code=obj.code, name=obj.name, kind=obj.kind)
        obj.pk = created.pk


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "programme", "division", "year", "budget", "status"]
    list_filter = ["programme", "year", "status"]
    search_fields = ["name", "division__name", "division__code"]
    list_select_related = ["division"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["project", "source", "amount", "year", "document_number"]
    list_filter = ["source", "year"]
    list_select_related = ["project", "source"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["project", "source", "household", "village", "amount", "date"]
    list_filter = ["source"]
    list_select_related = ["project", "source", "household", "village"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["household", "programme", "content", "amount", "year", "unit"]
    list_filter = ["programme", "year"]
    list_select_related = ["household"]


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["household", "borrower", "bank", "amount", "issued_on", "term_months", "status"]
    list_filter = ["status", "bank"]
    list_select_related = ["household", "borrower"]


class MutualAidCapitalInline(ReadOnlyInline):
    model = MutualAidCapital


class MutualAidMemberInline(ReadOnlyInline):
    model = MutualAidMember
    raw_id_fields = ["household"]


class MutualAidRepaymentInline(ReadOnlyInline):
    model = MutualAidRepayment


@admin.register(MutualAidFund)
class MutualAidFundAdmin(ReadOnlyAdmin):
    list_display = ["name", "village", "founded_year"]
    list_select_related = ["village"]
    search_fields = ["name", "village__name", "village__code"]
    inlines = [MutualAidCapitalInline, MutualAidMemberInline]


@admin.register(MutualAidLoan)
class MutualAidLoanAdmin(ReadOnlyAdmin):
    list_display = ["fund", "member", "amount", "issued_on", "due_on"]
    list_select_related = ["fund", "member__household"]
    inlines = [MutualAidRepaymentInline]


@admin.register(MutualAidCapital)
class MutualAidCapitalAdmin(ReadOnlyAdmin):
    list_display = ["fund", "source", "amount", "year"]
    list_select_related = ["fund", "source"]


@admin.register(MutualAidMember)
class MutualAidMemberAdmin(ReadOnlyAdmin):
    list_display = ["fund", "household", "joined_on"]
    list_select_related = ["fund", "household"]


@admin.register(MutualAidRepayment)
class MutualAidRepaymentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "amount", "date"]
    list_select_related = ["loan__fund"]


@admin.register(FundsRollup)
class FundsRollupAdmin(ReadOnlyAdmin):
    """Read-only: derived from the funds books and the register (`manage.py rebuild_rollups`, `verify_rollups`)."""

    list_display = ["division", "year", "kind", "code"]
    list_filter = ["year", "kind"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]
