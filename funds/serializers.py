"""API shapes. Related objects are chosen by their codes and only from the caller's region."""

from rest_framework import serializers

from gannan.api import ScopedPrimaryKeyField, ScopedRelatedField
from households.models import Household, Member
from villages.models import Division

from .models import (
    Allocation,
    Disbursement,
    FundSource,
    Loan,
    LoanStatus,
    Measure,
    MutualAidFund,
    Project,
)


def _scoped(model_qs, slug: str, path: str, **kw) -> serializers.RelatedField:
    if slug == "pk":
        return ScopedPrimaryKeyField(queryset=model_qs, scope_path=path, **kw)
    return ScopedRelatedField(queryset=model_qs, slug_field=slug, scope_path=path, **kw)


class FundSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundSource
        fields = ["id", "code", "name", "kind"]


class ProjectSerializer(serializers.ModelSerializer):
    division = _scoped(Division.objects.all(), "code", "code")
    allocated = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    disbursed = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "programme", "division", "year", "budget", "status", "allocated", "disbursed"]


class AllocationSerializer(serializers.ModelSerializer):
    project = _scoped(Project.objects.all(), "pk", "division__code")
    # The stubs read a field named "source" as the Field.source attribute.
    source = serializers.SlugRelatedField(queryset=FundSource.objects.all(), slug_field="code")  # type: ignore[assignment]

    class Meta:
        model = Allocation
        fields = ["id", "project", "source", "amount", "year", "document_number"]


class DisbursementSerializer(serializers.ModelSerializer):
    project = _scoped(Project.objects.all(), "pk", "division__code")
    # The stubs read a field named "source" as the Field.source attribute.
    source = serializers.SlugRelatedField(queryset=FundSource.objects.all(), slug_field="code")  # type: ignore[assignment]
    household = _scoped(Household.objects.all(), "code", "village__code", required=False, allow_null=True)
    village = _scoped(Division.objects.filter(level="village"), "code", "code", required=False)

    class Meta:
        model = Disbursement
        fields = ["id", "project", "source", "household", "village", "amount", "date", "purpose"]


class MeasureSerializer(serializers.ModelSerializer):
    household = _scoped(Household.objects.all(), "code", "village__code")
    project = _scoped(Project.objects.all(), "pk", "division__code", required=False, allow_null=True)

    class Meta:
        model = Measure
        fields = ["id", "household", "programme", "content", "amount", "year", "unit", "project", "disbursement"]
        read_only_fields = ["disbursement"]


class LoanSerializer(serializers.ModelSerializer):
    household = _scoped(Household.objects.all(), "code", "village__code")
    borrower = _scoped(Member.objects.all(), "id_number", "household__village__code")

    class Meta:
        model = Loan
        fields = [
            "id",
            "household",
            "borrower",
            "bank",
            "amount",
            "issued_on",
            "term_months",
            "purpose",
            "status",
            "interest_subsidy",
        ]


class LoanStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LoanStatus.choices)


class MutualAidFundSerializer(serializers.ModelSerializer):
    village = _scoped(Division.objects.filter(level="village"), "code", "code")
    capital = serializers.DecimalField(source="total_capital", max_digits=16, decimal_places=2, read_only=True)
    member_households = serializers.IntegerField(read_only=True)
    lent = serializers.DecimalField(source="total_lent", max_digits=16, decimal_places=2, read_only=True)
    repaid = serializers.DecimalField(source="total_repaid", max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = MutualAidFund
        fields = ["id", "village", "name", "founded_year", "capital", "member_households", "lent", "repaid"]
