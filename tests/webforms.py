"""Filling the platform's forms from a test: what a browser would post back unchanged."""

from datetime import date

from django import forms


def form_payload(*forms_: forms.BaseForm) -> dict:
    """The POST data of `forms_` as rendered (their initial values), ready to change and post."""
    data: dict = {}
    for form in forms_:
        for bound in form:
            value = bound.field.prepare_value(bound.value())
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, date):
                data[bound.html_name] = value.isoformat()
            elif value is not None:
                data[bound.html_name] = str(value)
    return data


def edit_payload(response) -> dict:
    """The household edit/create page's form and member formset, as POST data."""
    members = response.context["members"]
    return form_payload(response.context["form"], members.management_form, *members.forms)
