"""The 疑点 over HTTP: counts and score of a region, and its open 疑点; scoped and paginated like every endpoint."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers

from gannan.api import Pagination, RegionAPIMixin
from households.models import mask_id
from metrics.params import parse_region
from villages.scope import in_scope, scope_filter

from . import selectors
from .models import Issue, Severity
from .rules import RULES

RULE_CODES = "; ".join(f"{r.code} ({r.severity}): {r.message}" for r in RULES)
REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    description="区划代码（6、9 或 12 位）；省略时为调用者的所属区划。所属区划以外的代码返回 404。",
)


class IssueFilter(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(choices=[(r.code, r.code) for r in RULES], label="规则代码")

    class Meta:
        model = Issue
        fields = ["rule", "severity"]


class IssueSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.code", help_text="户编号")
    village = serializers.CharField(source="household.village_id", help_text="所在村区划代码")
    member_id_number = serializers.SerializerMethodField(
        help_text="成员证件号码：可修改该户者看到全号，其他人看到掩码；户级疑点为空"
    )
    since = serializers.DateField(source="opened_on", help_text="疑点自该日起未消除")

    class Meta:
        model = Issue
        fields = ["household", "village", "member_id_number", "rule", "severity", "since"]

    def get_member_id_number(self, issue: Issue) -> str | None:
        if issue.member is None:
            return None
        user = self.context["request"].user
        may_edit = user.can_edit_households and in_scope(user, issue.household.village_id)
        return issue.member.id_number if may_edit else mask_id(issue.member.id_number)


def _region(request):
    return parse_region(request.user, request.query_params.get("region"))


@extend_schema(parameters=[REGION], description=f"所在区划未消除的疑点，错误在前。规则代码：{RULE_CODES}")
class IssueList(RegionAPIMixin, generics.ListAPIView):
    serializer_class = IssueSerializer
    filterset_class = IssueFilter
    extra_query_params = ("region",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        qs = selectors.open_issues(prefix=_region(self.request).prefix)
        qs = scope_filter(qs, self.request.user, "household__village_id")
        return qs.select_related("household", "member")


RuleCount = inline_serializer(
    "QualityRuleCount",
    {
        "rule": serializers.CharField(help_text="规则代码"),
        "severity": serializers.ChoiceField(choices=Severity.choices),
        "open": serializers.IntegerField(help_text="未消除疑点数"),
        "per_1000": serializers.FloatField(allow_null=True, help_text="每千户疑点数"),
    },
)


class SummaryPagination(Pagination):
    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"].update(
            {
                "region": {"type": "string"},
                "households": {"type": "integer"},
                "with_error": {"type": "integer"},
                "score": {"type": "number", "nullable": True, "description": "无错误户占比（%）"},
                "issues": {"type": "integer"},
                "errors": {"type": "integer"},
                "per_1000": {"type": "number", "nullable": True},
            }
        )
        return response


@extend_schema(
    parameters=[REGION],
    responses=RuleCount,
    description=f"区划的得分和每条规则的未消除疑点（分页列出规则）。规则代码：{RULE_CODES}",
)
class Summary(RegionAPIMixin, generics.GenericAPIView):
    filter_backends = []
    pagination_class = SummaryPagination
    extra_query_params = ("region",)

    def get(self, request):
        region = _region(request)
        rows = [
            {"rule": r["code"], "severity": r["rule"].severity, "open": r["open"], "per_1000": r["per_1000"]}
            for r in selectors.rule_counts(prefix=region.prefix)
        ]
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(page)
        response.data = {"region": region.code, **selectors.region_score(prefix=region.prefix), **response.data}
        return response
