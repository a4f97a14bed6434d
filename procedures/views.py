"""Case pages: open a case, take its next step, the worklists and the printable notice. Thin: services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from gannan.lib.calendar import parse_year
from households.forms import add_service_errors
from households.models import Household
from households.selectors import household_get
from villages.models import Level
from villages.scope import decides_for, division_for, home_division

from .forms import EvaluationForm, ObjectionForm, OpenForm, ResolveForm, StepForm, WithdrawForm
from .models import Case, Kind, Objection, State
from .readiness import county_readiness, village_readiness
from .selectors import (
    case_get,
    case_timeline,
    cases_in_notice,
    cases_overdue,
    cases_waiting_for,
    notice_rows,
    pipeline,
)
from .services import (
    case_open,
    case_step,
    case_withdraw,
    county_evaluation_save,
    may_take,
    objection_raise,
    objection_resolve,
    village_exit_open,
)
from .steps import HOUSEHOLD_KINDS

LIST_LIMIT = 200


def _case(request: AuthenticatedRequest, pk: int) -> Case:
    try:
        return case_get(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def case_open_view(request: AuthenticatedRequest, household: int) -> HttpResponse:
    try:
        h = household_get(user=request.user, pk=household)
    except Household.DoesNotExist:
        raise Http404 from None
    if not request.user.can_edit_households:
        raise PermissionDenied
    form = OpenForm(request.POST or None, household=h)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open(user=request.user, household=h, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已启动%(k)s程序。") % {"k": case.get_kind_display()})
            return redirect("procedures:case", pk=case.pk)
    open_case = h.cases.filter(state=State.OPEN).first()
    return render(request, "procedures/open.html", {"form": form, "household": h, "open_case": open_case})


def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    can_step = case.state == State.OPEN and may_take(request.user, case, case.step)
    form = StepForm(request.POST or None, case=case) if can_step else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                case_step(user=request.user, case=case, step=request.POST.get("step", ""), **form.service_kwargs())
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("已办理。"))
                return redirect("procedures:case", pk=case.pk)
    clerk = request.user.can_edit_households and may_take(request.user, case, "notice")
    return render(
        request,
        "procedures/case.html",
        {
            "case": case,
            "form": form,
            "timeline": case_timeline(case=case),
            "objections": case.objections.all(),
            "can_object": clerk and case.state == State.OPEN,
            "objection_form": ObjectionForm(),
            "resolve_form": ResolveForm(),
            "withdraw_form": WithdrawForm() if clerk and case.state == State.OPEN else None,
        },
    )


@require_POST
def objection_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            objection_raise(user=request.user, case=case, on=form.cleaned_data["on"], text=form.cleaned_data["text"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("异议已登记。"))
    else:
        messages.error(request, _("请填写异议内容和日期。"))
    return redirect("procedures:case", pk=case.pk)


@require_POST
def objection_done(request: AuthenticatedRequest, pk: int, objection: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        item = case.objections.get(pk=objection)
    except Objection.DoesNotExist:
        raise Http404 from None
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            objection_resolve(
                user=request.user,
                objection=item,
                on=form.cleaned_data["on"],
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("异议已处理。"))
    else:
        messages.error(request, _("请填写处理结果和日期。"))
    return redirect("procedures:case", pk=case.pk)


@require_POST
def case_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            case_withdraw(user=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("案卷已撤销。"))
    return redirect("procedures:case", pk=case.pk)


def worklists(request: AuthenticatedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    code = request.GET.get("region")
    region = division_for(user, code) if code else home_division(user)
    return render(
        request,
        "procedures/worklists.html",
        {
            "waiting": list(cases_waiting_for(user=user, today=today)[:LIST_LIMIT]),
            "in_notice": list(cases_in_notice(user=user, today=today)[:LIST_LIMIT]),
            "overdue": list(cases_overdue(user=user, today=today)[:LIST_LIMIT]),
            "pipeline": pipeline(user=user, region=region),
            "region": region,
            "limit": LIST_LIMIT,
            "today": today,
        },
    )


def notice_page(request: AuthenticatedRequest, village: str, kind: str) -> HttpResponse:
    division = division_for(request.user, village)
    if division.level != Level.VILLAGE or kind not in HOUSEHOLD_KINDS:
        raise Http404
    return render(
        request,
        "procedures/notice.html",
        {
            "village": division,
            "kind": Kind(kind),
            "rows": notice_rows(user=request.user, village=division, kind=kind),
            "today": timezone.localdate(),
        },
    )


def _year(request: AuthenticatedRequest) -> int:
    """The year asked for (last year by default); outside the platform's calendar, 400 naming the parameter."""
    return parse_year(request.GET.get("year"), name="year", default=lambda: timezone.localdate().year - 1)


def villages_ready(request: AuthenticatedRequest) -> HttpResponse:
    """The poor villages of a year: ready to exit (出列) or what still fails."""
    year = _year(request)
    if request.method == "POST":
        village = division_for(request.user, request.POST.get("village", ""))
        try:
            case = village_exit_open(user=request.user, village=village, year=year, on=timezone.localdate())
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            return redirect("procedures:case", pk=case.pk)
    code = request.GET.get("region")
    region = division_for(request.user, code) if code else home_division(request.user)
    rows = village_readiness(user=request.user, year=year, region=region)
    return render(
        request,
        "procedures/villages.html",
        {
            "rows": rows,
            "year": year,
            "region": region,
            "ready": sum(r["ready"] for r in rows),
            "can_open": request.user.can_edit_households,
        },
    )


def counties_ready(request: AuthenticatedRequest) -> HttpResponse:
    """Each county of a year: incidence, poor villages left, the year it met the 摘帽 test; the evaluation's figures."""
    year = _year(request)
    user = request.user
    if request.method == "POST":
        county = division_for(user, request.POST.get("county", ""))
        form = EvaluationForm(request.POST)
        if county.level != Level.COUNTY:
            raise Http404
        if form.is_valid():
            try:
                county_evaluation_save(user=user, county=county, year=year, data=form.cleaned_data)
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("已录入 %(c)s %(y)d 年第三方评估结果。") % {"c": county.name, "y": year})
                return redirect(f"{request.path}?year={year}")
        else:
            messages.error(request, _("请填写 0–100 之间的百分比。"))
    rows = county_readiness(user=user, year=year)
    for row in rows:
        row["can_evaluate"] = user.is_admin or (user.is_county_approver and decides_for(user, row["county"].code))
    return render(request, "procedures/counties.html", {"rows": rows, "year": year, "form": EvaluationForm()})
