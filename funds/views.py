import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import division_for, home_division, scope_filter
from gannan.lib.calendar import parse_year, years_descending
from gannan.lib.tabular import neutralise
from households.models import Cause
from villages.models import Division

from . import forms, selectors, services
from .charts import CHART_KEYS, chart_json, funds_charts
from .models import Disbursement

FIRST_YEAR = 2011


def _year(request, default: int) -> int:
    """The `year` parameter (a bad one: the styled 400 page naming it, as on every page)."""
    return parse_year(request.GET.get("year"), name="year", default=default)


def _latest_year(user) -> int:
    """The last year money was paid out in the user's region (this year when there is none)."""
    latest = scope_filter(Disbursement.objects.all(), user, "village__code").aggregate(y=Max("date"))["y"]
    return latest.year if latest else date.today().year


def _ancestors(region: Division, user) -> list[Division]:
    """The breadcrumb trail from the user's home division down to `region` (one query)."""
    home = home_division(user)
    codes = [c for c in {region.code[:6], region.code[:9]} if len(c) < len(region.code) and c != home.code]
    trail = [home] if home.code != region.code else []
    trail += [d for d in Division.objects.filter(code__in=codes).order_by("code") if home.contains(d.code)]
    return trail


def index(request):
    return region(request, home_division(request.user).code)


def region(request, code: str):
    place = division_for(request.user, code)
    year = _year(request, _latest_year(request.user))
    children = selectors.children_of(place)
    loan_counts = selectors.loan_eligible_counts(region=place, year=year)
    summary = selectors.funds_summary(region=place, year=year, loan_counts=loan_counts)
    charts = funds_charts(region=place, year=year, children=children,
                          gap_counts=summary["cause_measure_gaps_by_cause"], loan_counts=loan_counts)
    by_key = {c["key"]: c["rows"] for c in charts}
    loans = {r["code"]: r for r in by_key["loan_coverage"]}
    children_rows = [r | loans[r["code"]] for r in by_key["to_household_share"]]
    return render(request, "funds/index.html", {
        "region": place,
        "year": year,
        "years": years_descending(),
        "trail": _ancestors(place, request.user),
        "summary": summary,
        "charts": charts,
        "children_rows": children_rows,
        "charts_json": [chart_json(c) for c in charts],
        "support_line": selectors.HOUSEHOLD_SUPPORT_LINE,
        "share_line": selectors.TO_HOUSEHOLD_LINE,
        "can_edit": request.user.can_edit_households,
        "projects": selectors.project_list(user=request.user).filter(
            division__code__startswith=place.prefix, year=year).order_by("division_id", "name")[:50],
    })


def chart_csv(request, code: str, chart: str):
    """One chart's numbers as CSV: exactly the rows the chart draws."""
    if chart not in CHART_KEYS:
        raise Http404
    place = division_for(request.user, code)
    year = _year(request, _latest_year(request.user))
    found = next(c for c in funds_charts(region=place, year=year, children=selectors.children_of(place)) if c["key"] == chart)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="funds-{chart}-{place.code}-{year}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(response)
    writer.writerow([neutralise(str(label)) for _key, label in found["columns"]])
    for row in found["rows"]:
        writer.writerow(["" if row.get(k) is None else neutralise(row.get(k)) for k, _label in found["columns"]])
    return response


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
    return render(request, "funds/gaps.html", {
        "region": place, "year": year, "households": households[:500], "count": households.count(),
    })


# --- forms: one view, a form class and a service per kind of record -------------------------------

FORMS = {
    "project": (forms.ProjectForm, lambda user, d: services.project_create(user=user, **d), gettext_lazy("新建扶贫项目")),
    "allocation": (forms.AllocationForm, lambda user, d: services.allocation_create(user=user, **d),
                   gettext_lazy("资金到位（下达）")),
    "disbursement": (forms.DisbursementForm, lambda user, d: services.disbursement_create(user=user, **d),
                      gettext_lazy("资金拨付（到户或到村）")),
    "measure": (forms.MeasureForm, lambda user, d: services.measure_create(user=user, **d), gettext_lazy("帮扶措施")),
    "loan": (forms.LoanForm, lambda user, d: services.loan_create(user=user, **d), gettext_lazy("精准扶贫专项贷款")),
    "mutual-aid-fund": (forms.MutualAidFundForm, lambda user, d: services.mutual_aid_fund_create(user=user, **d),
                        gettext_lazy("互助资金协会")),
    "mutual-aid-capital": (forms.MutualAidCapitalForm, lambda user, d: services.mutual_aid_capital_add(user=user, **d),
                           gettext_lazy("互助资金本金注入")),
    "mutual-aid-member": (forms.MutualAidMemberForm, lambda user, d: services.mutual_aid_member_add(user=user, **d),
                          gettext_lazy("入社农牧户")),
    "mutual-aid-loan": (forms.MutualAidLoanForm, lambda user, d: services.mutual_aid_loan_create(user=user, **d),
                        gettext_lazy("互助资金借款")),
    "mutual-aid-repayment": (forms.MutualAidRepaymentForm,
                             lambda user, d: services.mutual_aid_repayment_add(user=user, **d),
                             gettext_lazy("互助资金还款")),
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
            return redirect("funds:index")
    return render(request, "funds/form.html", {"form": form, "title": title, "kind": kind})
