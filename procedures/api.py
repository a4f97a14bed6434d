"""Cases over HTTP: open one (POST /api/cases/), take its next step (POST /api/cases/<id>/steps/).

The status of a household changes through these, never by writing a status
change: /api/status-changes/ is read only.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_permissions import DecideInRegion
from gannan.api import Pagination, service_errors
from households.models import Household
from households.selectors import household_get

from .models import Case, CaseStep, Kind, Outcome, ReasonCode, StepCode
from .selectors import cases_visible
from .services import case_open, case_step

REFUSED = {
    400: OpenApiResponse(description="规则不满足（按字段列出原因）"),
    403: OpenApiResponse(description="无权办理该环节"),
}


class CaseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["step", "outcome", "on", "by", "remarks", "data"]


class CaseSerializer(serializers.ModelSerializer):
    steps = CaseStepSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "household",
            "village",
            "kind",
            "state",
            "step",
            "step_since",
            "reason_code",
            "reason",
            "target_status",
            "opened_on",
            "notice_start",
            "notice_end",
            "announced_on",
            "rejections",
            "last_rejection",
            "historical",
            "status_change",
            "steps",
        ]


class CaseOpenSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    on = serializers.DateField()
    reason_code = serializers.ChoiceField(choices=ReasonCode.choices, required=False, default="")
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class CaseStepInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=StepCode.choices)
    on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default=Outcome.DONE)
    remarks = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    data = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases of the caller's region, with their steps. Who may take a step is the services' decision (403)."""

    queryset = Case.objects.none()
    serializer_class = CaseSerializer
    permission_classes = [DecideInRegion]
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return (
            cases_visible(user=self.request.user).select_related("household").prefetch_related("steps").order_by("id")
        )

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer, **REFUSED})
    def create(self, request, *args, **kwargs):
        serializer = CaseOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            household = household_get(user=request.user, pk=data.pop("household"))
        except Household.DoesNotExist:
            raise Http404 from None
        with service_errors():
            case = case_open(user=request.user, household=household, **data)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseStepInputSerializer, responses={200: CaseSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        case = self.get_object()
        serializer = CaseStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case = case_step(user=request.user, case=case, **serializer.validated_data)
        return Response(CaseSerializer(Case.objects.prefetch_related("steps").get(pk=case.pk)).data)
