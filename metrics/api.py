"""The metrics API (docs/metrics.md): summary, timeseries, breakdown."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedAPIRequest
from gannan.lib.calendar import FIRST_YEAR, last_year, parse_year

from . import selectors
from .funds import funds_summary
from .params import check_order, data_year, parse_region

REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    description="区划代码（6、9 或 12 位）；省略时为调用者的所属区划。所属区划以外的代码返回 404。",
)
YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    description=(
        f"年度（{FIRST_YEAR}–今年），指该年 12 月 31 日末的状态。省略时为有数据的最近年度："
        f"最新一条状态变更所在的年度（不晚于今年；没有任何状态变更时为 {FIRST_YEAR}）。"
    ),
)
BASIS = OpenApiParameter(
    "basis",
    OpenApiTypes.STR,
    enum=["reported", "current"],
    description=("已锁定的年度默认答上报时的数据（并给出 closed_at）；current 按登记簿重新计算。"),
)
FROM = OpenApiParameter("from", OpenApiTypes.INT, description=f"起始年度，默认 {FIRST_YEAR}")
TO = OpenApiParameter("to", OpenApiTypes.INT, description="截止年度，默认今年")


class MetricsView(APIView):
    request: AuthenticatedAPIRequest  # the default permission (IsAuthenticated) lets no anonymous caller this far

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError):
            return Response(exc.message_dict, status=400)
        return super().handle_exception(exc)


class SummaryView(MetricsView):
    @extend_schema(
        operation_id="metrics_summary",
        summary="一个区划一个年度的全部指标",
        description="规格中的指标在顶层；`funds` 为扶贫资金指标（键见指标注册表，来源 funds）："
        "金额为两位小数的字符串（元），占比为数值（%），无分母时为 null。",
        parameters=[REGION, YEAR, BASIS],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        division = parse_region(self.request.user, request.query_params.get("region"))
        year = parse_year(request.query_params.get("year"), name="year", default=data_year)
        basis = request.query_params.get("basis", "reported")
        if basis not in ("reported", "current"):
            raise ValidationError({"basis": ["basis 只能是 reported 或 current。"]})
        summary = selectors.metrics_summary_reported(division=division, year=year, basis=basis)
        return Response({**summary, "funds": funds_summary(division=division, year=year)})


class TimeseriesView(MetricsView):
    @extend_schema(
        operation_id="metrics_timeseries",
        summary="一个区划各年度的全部存量与流量指标",
        parameters=[REGION, FROM, TO],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        division = parse_region(self.request.user, request.query_params.get("region"))
        first = parse_year(request.query_params.get("from"), name="from", default=FIRST_YEAR)
        last = parse_year(request.query_params.get("to"), name="to", default=last_year())
        check_order(first, last)
        return Response(selectors.metrics_timeseries(division=division, first=first, last=last))


class BreakdownView(MetricsView):
    @extend_schema(
        operation_id="metrics_breakdown",
        summary="一个区划各直接下级的全部指标",
        parameters=[REGION, YEAR],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        division = parse_region(self.request.user, request.query_params.get("region"))
        year = parse_year(request.query_params.get("year"), name="year", default=data_year)
        return Response(selectors.metrics_breakdown(division=division, year=year))
