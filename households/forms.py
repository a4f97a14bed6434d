"""The clerk's forms: they check the shape of the input; the rules live in the services."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from gannan.forms import SearchField, filters_or_400
from gannan.lib.calendar import FIRST_YEAR, last_year
from villages.models import Division, Level
from villages.scope import scope_filter

from .models import Attribute, Cause, Household, HouseholdYear, Member, Relation, Sex, Status
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, SPAN_FIELDS, YEAR_FIELDS, member_clean


def add_service_errors(form: forms.BaseForm, error: ValidationError, *, elsewhere: list[str] | None = None) -> None:
    """Put a service's ValidationError onto `form`, each message on the field it names.

    Messages keyed by a field the form lacks (e.g. "members") go to `elsewhere`
    when given, otherwise to the form's non-field errors.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
        elif elsewhere is not None:
            elsewhere.extend(messages)
        else:
            form.add_error(None, messages)


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent else obj.name


class HouseholdForm(forms.Form):
    """The household's own fields; `version` is the one the clerk opened (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correction = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("删除录入错误的成员时必填；会记入审计"),
    )

    def __init__(self, *args: Any, user: User, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(Household, fields=[f for f in HOUSEHOLD_FIELDS if f != "village"])
        villages = scope_filter(
            Division.objects.filter(level=Level.VILLAGE).select_related("parent"), user, "code"
        ).order_by("code")
        self.fields["code"] = fields["code"]
        if creating:
            self.fields["code"].required = False
            self.fields["code"].help_text = _(
                "村的 12 位区划代码加 4 位顺序号，如 6230211002010001；留空则按本村下一个顺序号自动编号。"
            )
        self.fields["village"] = VillageChoiceField(
            queryset=villages,
            label=Household._meta.get_field("village").verbose_name,
            error_messages={"invalid_choice": _("所选村不在您的管辖范围内：只能登记或迁入本辖区的村。")},
        )
        for name in HOUSEHOLD_FIELDS:
            if name not in ("code", "village", "secondary_causes"):
                self.fields[name] = fields[name]
        self.fields["secondary_causes"] = forms.TypedMultipleChoiceField(
            label=Household._meta.get_field("secondary_causes").verbose_name,
            choices=Cause.choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
        )
        self.fields["identified_year"].widget.attrs.update(min=FIRST_YEAR, max=last_year())
        self.order_fields([*HOUSEHOLD_FIELDS, "version", "correction"])

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in HOUSEHOLD_FIELDS}


class MemberForm(forms.Form):
    """One member row. Sex and birth date may be left empty: they come from the ID number."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(Member, fields=MEMBER_FIELDS + SPAN_FIELDS)
        for name in MEMBER_FIELDS + SPAN_FIELDS:
            self.fields[name] = fields[name]
        self.fields["joined_on"].required = False
        self.fields["joined_on"].help_text = _("可留空：建档日期与出生日期中较晚者")
        for name in ("joined_on", "left_on"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["id_number"].widget.attrs.update(size=20, autocomplete="off")
        for name in ("sex", "birth_date"):
            self.fields[name].required = False
            self.fields[name].help_text = _("可留空，按证件号码自动填写")
        cast(forms.ChoiceField, self.fields["sex"]).choices = [("", "—"), *Sex.choices]
        self.fields["birth_date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["migrant_months"].widget.attrs.update(min=0, max=12)
        self.order_fields(["id", *MEMBER_FIELDS, *SPAN_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.errors or self.cleaned_data.get("DELETE"):
            return data
        try:
            cleaned = member_clean({k: v for k, v in data.items() if k in MEMBER_FIELDS or k in SPAN_FIELDS})
        except ValidationError as e:
            add_service_errors(self, e)
            return data
        data.update(cleaned)
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in MEMBER_FIELDS or k in SPAN_FIELDS}
        if self.cleaned_data.get("id"):
            data["id"] = self.cleaned_data["id"]
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    def service_data(self) -> list[dict[str, Any]]:
        """The members to keep: filled rows not marked for deletion (untouched blank rows have no data)."""
        return [f.service_data() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


# The stubs type the factory's class as a plain BaseFormSet.
MemberFormSet = cast(
    type[BaseMemberFormSet], forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True)
)


def member_initial(household: Household) -> list[dict[str, Any]]:
    """The members as form rows, head first."""
    rows = household.members.order_by("id").values("id", *MEMBER_FIELDS, *SPAN_FIELDS)
    return sorted(rows, key=lambda m: m["relation"] != Relation.HEAD)


class YearForm(forms.ModelForm):
    # The version the record was read at: a save over someone else's change is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = HouseholdYear
        fields = ["year", *YEAR_FIELDS]

    def __init__(self, *args: Any, household: Household, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.editing = editing
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=last_year())
        if editing:
            self.fields["year"].disabled = True
            self.fields["version"].initial = self.instance.version

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not self.editing and self.household.years.filter(year=year).exists():
            raise ValidationError(_("%(y)d 年度的记录已存在，请在户档案中点该年度的“修改”。") % {"y": year})
        return year

    def income_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name == "year" or name.startswith("income_")]

    def check_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if name not in ("year", "version") and not name.startswith("income_")
        ]

    def validate_unique(self) -> None:
        """The service decides; the form only checks the shape."""

    def _post_clean(self) -> None:
        """No model validation here: household_year_save runs it and names the failing field."""


class HouseholdFilterForm(forms.Form):
    """The list's search box and filters (GET)."""

    q = SearchField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、户编号或证件号码"), "size": 24}),
    )
    division = forms.ChoiceField(label=_("区划"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    attribute = forms.TypedChoiceField(
        label=_("贫困户属性"), required=False, coerce=int, empty_value="", choices=[("", _("全部")), *Attribute.choices]
    )
    main_cause = forms.TypedChoiceField(
        label=_("主要致贫原因"), required=False, coerce=int, empty_value="", choices=[("", _("全部")), *Cause.choices]
    )
    year = forms.TypedChoiceField(label=_("年末状态"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        divisions = (
            scope_filter(Division.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]), user, "code")
            .order_by("code")
            .values_list("code", "name", "level")
        )
        indent: dict[str, str] = {Level.COUNTY: "", Level.TOWNSHIP: "\u3000", Level.VILLAGE: "\u3000\u3000"}
        choices = [("", _("全部")), *((c, indent[lvl] + n) for c, n, lvl in divisions)]
        cast(forms.ChoiceField, self.fields["division"]).choices = choices
        years = [("", _("当前")), *((y, str(y)) for y in range(timezone.localdate().year, 2010, -1))]
        cast(forms.ChoiceField, self.fields["year"]).choices = years

    def filters(self) -> dict[str, Any]:
        return filters_or_400(self)
