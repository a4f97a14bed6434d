from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from gannan.lib.calendar import parse_year
from households.models import Cause
from villages.scope import division_for, scope_filter

from . import forms, selectors, services
from .models import Disbursement


def _year(request, default: int) -> int:
    """The `year` parameter (a bad one: the styled 400 page naming it, as on every page)."""
    return parse_year(request.GET.get("year"), name="year", default=default)


def _latest_year(user: User) -> int:
    """The last year money was paid out in the user's region (this year when there is none)."""
    latest = scope_filter(Disbursement.objects.all(), user, "village__code").aggregate(y=Max("date"))["y"]
    return latest.year if latest else timezone.localdate().year


def gaps(request, code: str):
    """The poor households behind the cause–measure gap figure."""
    place = division_for(request.user, code)
    year = _year(request, _latest_year(request.user))
    households = selectors.cause_measure_gap_list(region=place, year=year)
    cause = request.GET.get("cause", "")
    if cause:
        if cause not in {str(v) for v in Cause.values}:
            raise ValidationError({"cause": [_("参数 cause 不是致贫原因代码之一。")]})
        households = households.filter(main_cause=int(cause))
    return render(
        request,
        "funds/gaps.html",
        {
            "region": place,
            "year": year,
            "households": households[:500],
            "count": households.count(),
        },
    )


# --- forms: one view, a form class and a service per kind of record -------------------------------

FORMS = {
    "project": (
        forms.ProjectForm,
        lambda user, d: services.project_create(user=user, **d),
        gettext_lazy("新建扶贫项目"),
    ),
    "allocation": (
        forms.AllocationForm,
        lambda user, d: services.allocation_create(user=user, **d),
        gettext_lazy("资金到位（下达）"),
    ),
    "disbursement": (
        forms.DisbursementForm,
        lambda user, d: services.disbursement_create(user=user, **d),
        gettext_lazy("资金拨付（到户或到村）"),
    ),
    "measure": (forms.MeasureForm, lambda user, d: services.measure_create(user=user, **d), gettext_lazy("帮扶措施")),
    "loan": (forms.LoanForm, lambda user, d: services.loan_create(user=user, **d), gettext_lazy("精准扶贫专项贷款")),
    "mutual-aid-fund": (
        forms.MutualAidFundForm,
        lambda user, d: services.mutual_aid_fund_create(user=user, **d),
        gettext_lazy("互助资金协会"),
    ),
    "mutual-aid-capital": (
        forms.MutualAidCapitalForm,
        lambda user, d: services.mutual_aid_capital_add(user=user, **d),
        gettext_lazy("互助资金本金注入"),
    ),
    "mutual-aid-member": (
        forms.MutualAidMemberForm,
        lambda user, d: services.mutual_aid_member_add(user=user, **d),
        gettext_lazy("入社农牧户"),
    ),
    "mutual-aid-loan": (
        forms.MutualAidLoanForm,
        lambda user, d: services.mutual_aid_loan_create(user=user, **d),
        gettext_lazy("互助资金借款"),
    ),
    "mutual-aid-repayment": (
        forms.MutualAidRepaymentForm,
        lambda user, d: services.mutual_aid_repayment_add(user=user, **d),
        gettext_lazy("互助资金还款"),
    ),
}


def add(request, kind: str):
    if kind not in FORMS:
        raise Http404
    if not request.user.can_edit_households:
        raise PermissionDenied
    form_class, create, title = FORMS[kind]
    form = form_class(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            create(request.user, form.cleaned_data)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已保存。"))
            return redirect("metrics:funds")
    return render(request, "funds/form.html", {"form": form, "title": title, "kind": kind})
