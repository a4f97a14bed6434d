"""The shape of a case's input; the rules are in services.py."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import EXITED_STATUSES, Household, Status

from .models import Case, Kind, Outcome, ReasonCode, StepCode
from .steps import DECISIONS, NOTICES, OPENS_FROM


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"),
    )


class OpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("办理程序"))
    on = _date_field(_("启动日期"))
    reason_code = forms.ChoiceField(label=_("原因类别"), required=False, choices=[("", "—"), *ReasonCode.choices])
    reason = forms.CharField(
        label=_("原因说明"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 60})
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, Kind(k).label) for k, allowed in OPENS_FROM.items() if household.status in allowed
        ]


class StepForm(forms.Form):
    """The fields of one step: the date and remarks, plus what that step records."""

    on = _date_field(_("日期"))
    remarks = forms.CharField(
        label=_("意见"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = case.step
        if step in DECISIONS:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("审核结果"),
                choices=[(Outcome.APPROVED, Outcome.APPROVED.label), (Outcome.REJECTED, Outcome.REJECTED.label)],
                widget=forms.RadioSelect,
            )
            self.fields["remarks"].help_text = _("退回时必须写明原因。")
        if step == StepCode.ASSESS:
            for name, label in [
                ("attendance", _("参会人数")),
                ("votes_for", _("同意票数")),
                ("votes_against", _("反对票数")),
            ]:
                self.fields[name] = forms.IntegerField(label=label, min_value=0)
        if step in NOTICES:
            self.fields["on"].label = _("公示开始日期")
            self.fields["ends_on"] = forms.DateField(
                label=_("公示截止日期"),
                required=False,
                help_text=_("不少于 7 天；留空即为 7 天。"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        if step == StepCode.AGREE:
            self.fields["on"].label = _("户签字日期")
        if step == StepCode.VERIFY and case.kind == Kind.EXIT:
            self.fields["override_reason"] = forms.CharField(
                label=_("破例理由"),
                max_length=300,
                required=False,
                help_text=_("仅在脱贫标准未全部达标时填写；须经县级批准。"),
            )
        if step == StepCode.COUNTY and case.kind == Kind.EXIT:
            self.fields["target_status"] = forms.ChoiceField(
                label=_("审定结果"),
                required=False,
                choices=[(s, Status(s).label) for s in EXITED_STATUSES],
                widget=forms.RadioSelect,
            )
            if case.override_reason:
                self.fields["override_approved"] = forms.BooleanField(
                    label=_("批准破例：%(r)s") % {"r": case.override_reason}, required=False
                )
        if step == StepCode.ANNOUNCE:
            self.fields["on"].label = _("公告日期")

    def service_kwargs(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("on", "remarks", "outcome")}
        return {
            "on": self.cleaned_data["on"],
            "remarks": self.cleaned_data.get("remarks", ""),
            "outcome": self.cleaned_data.get("outcome") or Outcome.DONE,
            "data": data,
        }


class ObjectionForm(forms.Form):
    on = _date_field(_("提出日期"))
    text = forms.CharField(label=_("异议内容"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))


class ResolveForm(forms.Form):
    on = _date_field(_("处理日期"))
    resolution = forms.CharField(label=_("处理结果"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))


class EvaluationForm(forms.Form):
    wrong_exit_rate = forms.DecimalField(label=_("错退率（%）"), min_value=0, max_value=100, decimal_places=2)
    missed_rate = forms.DecimalField(label=_("漏评率（%）"), min_value=0, max_value=100, decimal_places=2)
    satisfaction = forms.DecimalField(label=_("群众认可度（%）"), min_value=0, max_value=100, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
