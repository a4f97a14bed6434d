"""Forms for clerks and admins; each choice list is limited to the user's region, the rules live in services."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from households.models import Household, Member
from villages.models import Division, Level
from villages.scope import scope_filter

from .models import (
    FundSource,
    LoanStatus,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    Programme,
    Project,
    ProjectStatus,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _money(label):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0)


class ScopedForm(forms.Form):
    """A form whose model choices only offer what `user` may see."""

    scoped: dict[str, tuple] = {}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (qs, path) in self.scoped.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = scope_filter(qs, user, path)


class ProjectForm(ScopedForm):
    name = forms.CharField(label=_("项目名称"), max_length=120)
    programme = forms.ChoiceField(label=_("项目类别"), choices=Programme.choices)
    division = forms.ModelChoiceField(
        label=_("实施区划（县、乡镇或村）"),
        queryset=Division.objects.none(),
        to_field_name="code",
        widget=forms.TextInput,
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    budget = _money(_("预算（元）"))
    status = forms.ChoiceField(label=_("状态"), choices=ProjectStatus.choices, initial=ProjectStatus.ONGOING)
    scoped = {"division": (Division.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]), "code")}


class AllocationForm(ScopedForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    source = forms.ModelChoiceField(label=_("资金来源"), queryset=FundSource.objects.all())
    amount = _money(_("金额（元）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    scoped = {"project": (Project.objects.all(), "division__code")}


class DisbursementForm(ScopedForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    source = forms.ModelChoiceField(label=_("资金来源"), queryset=FundSource.objects.all())
    household = forms.ModelChoiceField(
        label=_("贫困户（到户，填户编号）"),
        queryset=Household.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput,
    )
    village = forms.ModelChoiceField(
        label=_("村（到村，填区划代码）"),
        queryset=Division.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput,
    )
    amount = _money(_("金额（元）"))
    on = forms.DateField(label=_("拨付日期"), widget=DATE)
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)
    scoped = {
        "project": (Project.objects.all(), "division__code"),
        "household": (Household.objects.all(), "village__code"),
        "village": (Division.objects.filter(level=Level.VILLAGE), "code"),
    }


class MeasureForm(ScopedForm):
    household = forms.ModelChoiceField(
        label=_("贫困户（户编号）"), queryset=Household.objects.none(), to_field_name="code", widget=forms.TextInput
    )
    programme = forms.ChoiceField(label=_("帮扶类别"), choices=Programme.choices)
    content = forms.CharField(label=_("帮扶内容"), max_length=200)
    amount = _money(_("金额（元）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    unit = forms.CharField(label=_("帮扶单位"), max_length=64, required=False)
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none(), required=False)
    scoped = {
        "household": (Household.objects.all(), "village__code"),
        "project": (Project.objects.all(), "division__code"),
    }


class LoanForm(ScopedForm):
    household = forms.ModelChoiceField(
        label=_("贫困户（户编号）"), queryset=Household.objects.none(), to_field_name="code", widget=forms.TextInput
    )
    borrower = forms.ModelChoiceField(
        label=_("借款人（证件号码）"), queryset=Member.objects.none(), to_field_name="id_number", widget=forms.TextInput
    )
    bank = forms.CharField(label=_("贷款银行"), max_length=64)
    amount = _money(_("贷款金额（元）"))
    issued_on = forms.DateField(label=_("发放日期"), widget=DATE)
    term_months = forms.IntegerField(label=_("期限（月）"), min_value=1)
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=LoanStatus.choices, initial=LoanStatus.CURRENT)
    interest_subsidy = _money(_("财政贴息（元）"))
    scoped = {
        "household": (Household.objects.all(), "village__code"),
        "borrower": (Member.objects.all(), "household__village__code"),
    }


class MutualAidFundForm(ScopedForm):
    village = forms.ModelChoiceField(
        label=_("村（区划代码）"), queryset=Division.objects.none(), to_field_name="code", widget=forms.TextInput
    )
    name = forms.CharField(label=_("名称"), max_length=120)
    founded_year = forms.IntegerField(label=_("成立年度"), min_value=2000, max_value=2100)
    scoped = {"village": (Division.objects.filter(level=Level.VILLAGE), "code")}


class MutualAidCapitalForm(ScopedForm):
    fund = forms.ModelChoiceField(label=_("互助资金协会"), queryset=MutualAidFund.objects.none())
    source = forms.ModelChoiceField(label=_("资金来源"), queryset=FundSource.objects.all())
    amount = _money(_("金额（元）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    scoped = {"fund": (MutualAidFund.objects.all(), "village__code")}


class MutualAidMemberForm(ScopedForm):
    fund = forms.ModelChoiceField(label=_("互助资金协会"), queryset=MutualAidFund.objects.none())
    household = forms.ModelChoiceField(
        label=_("农牧户（户编号）"), queryset=Household.objects.none(), to_field_name="code", widget=forms.TextInput
    )
    joined_on = forms.DateField(label=_("入社日期"), widget=DATE)
    scoped = {
        "fund": (MutualAidFund.objects.all(), "village__code"),
        "household": (Household.objects.all(), "village__code"),
    }


class MutualAidLoanForm(ScopedForm):
    member = forms.ModelChoiceField(label=_("借款社员"), queryset=MutualAidMember.objects.none())
    amount = _money(_("借款金额（元）"))
    issued_on = forms.DateField(label=_("借款日期"), widget=DATE)
    due_on = forms.DateField(label=_("到期日期"), widget=DATE)
    scoped = {"member": (MutualAidMember.objects.select_related("household"), "fund__village__code")}


class MutualAidRepaymentForm(ScopedForm):
    loan = forms.ModelChoiceField(label=_("借款"), queryset=MutualAidLoan.objects.none())
    amount = _money(_("还款金额（元）"))
    on = forms.DateField(label=_("还款日期"), widget=DATE)
    scoped = {"loan": (MutualAidLoan.objects.all(), "fund__village__code")}
