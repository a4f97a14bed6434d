"""The clerk's pages. Forms check the shape; the services apply the rules and write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedRequest
from accounts.models import User
from procedures.services import household_apply
from villages.scope import can_edit_region

from .forms import (
    HouseholdFilterForm,
    HouseholdForm,
    MemberFormSet,
    YearForm,
    add_service_errors,
    member_initial,
)
from .models import GUARANTEE_CHECKS, Household, HouseholdYear
from .selectors import (
    household_file,
    household_get,
    household_list,
    household_list_totals,
    household_list_with_head_id,
    household_list_with_matched_member,
)
from .services import (
    HOUSEHOLD_FIELDS,
    YEAR_FIELDS,
    StaleVersion,
    household_update,
    household_year_save,
)

PAGE_SIZE = 50


def _can_edit(user: User, household: Household) -> bool:
    return can_edit_region(user, household.village_id)


def _get(request: AuthenticatedRequest, pk: int) -> Household:
    """The household if it lies in the user's region; 404 otherwise, as if it did not exist."""
    try:
        return household_get(user=request.user, pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None


def _get_for_edit(request: AuthenticatedRequest, pk: int) -> Household:
    household = _get(request, pk)
    if not _can_edit(request.user, household):
        raise PermissionDenied
    return household


def household_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    households = household_list(user=request.user, **form.filters())
    shown = household_list_with_matched_member(household_list_with_head_id(households), form.filters().get("q", ""))
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "households/list.html",
        {
            "form": form,
            "page": page,
            "totals": household_list_totals(households),
            "can_create": request.user.can_edit_households,
            "year": form.filters().get("year"),
        },
    )


def household_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = _get(request, pk)
    return render(
        request,
        "households/detail.html",
        {
            "household": household,
            "can_edit": _can_edit(request.user, household),
            "checks": GUARANTEE_CHECKS,
            **household_file(household=household, with_audit=request.user.is_admin),
        },
    )


def household_create(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.can_edit_households:
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, user=request.user, creating=True)
    members = MemberFormSet(request.POST or None, prefix="members")
    member_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            household = household_apply(user=request.user, data=form.service_data(), members=members.service_data())
        except PermissionDenied as e:
            form.add_error("village", str(e))
        except ValidationError as e:
            add_service_errors(form, e, elsewhere=member_errors)
        else:
            messages.success(
                request, _("已登记：%(code)s，新识别程序已启动（公告后列为贫困户）。") % {"code": household.code}
            )
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/edit.html",
        {
            "form": form,
            "members": members,
            "member_errors": member_errors,
            "household": None,
        },
    )


def household_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = _get_for_edit(request, pk)
    initial = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS} | {"version": household.version}
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    members = MemberFormSet(request.POST or None, prefix="members", initial=member_initial(household))
    member_errors: list[str] = []
    stale = False
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            household_update(
                user=request.user,
                household=household,
                data=form.service_data(),
                version=form.cleaned_data["version"] or 0,
                members=members.service_data(),
                correction=form.cleaned_data["correction"],
            )
        except StaleVersion as e:
            # Keep the clerk's input on the page: they compare with the saved record and save again.
            stale = True
            form.add_error(None, e.messages)
        except PermissionDenied as e:
            form.add_error("village", str(e))
        except ValidationError as e:
            add_service_errors(form, e, elsewhere=member_errors)
        else:
            messages.success(request, _("已保存：%(code)s") % {"code": household.code})
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/edit.html",
        {
            "form": form,
            "members": members,
            "member_errors": member_errors,
            "household": household,
            "stale": stale,
        },
    )


def household_year_edit(request: AuthenticatedRequest, pk: int, year: int | None = None) -> HttpResponse:
    household = _get_for_edit(request, pk)
    record = None
    if year is not None:
        record = HouseholdYear.objects.filter(household=household, year=year).first()
        if record is None:
            raise Http404
    form = YearForm(request.POST or None, instance=record, household=household, editing=record is not None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in YEAR_FIELDS}
        try:
            household_year_save(
                user=request.user,
                household=household,
                year=form.cleaned_data["year"],
                data=data,
                version=(form.cleaned_data["version"] or 0) if record is not None else None,
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已保存 %(y)d 年度记录。") % {"y": form.cleaned_data["year"]})
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/year_form.html", {"form": form, "household": household, "record": record})
