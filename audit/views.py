from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedRequest
from gannan.forms import SearchField, filters_or_400

from .selectors import audit_entries

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("操作人"), required=False, empty_label=_("全部"), queryset=get_user_model().objects.order_by("username")
    )
    household = SearchField(label=_("户编号"), required=False, max_length=32)


def audit_index(request: AuthenticatedRequest) -> HttpResponse:
    """The audit trail, for admins only, filterable by user and by household."""
    if not request.user.is_admin:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = filters_or_400(form)
    user = filters.get("user")
    entries = audit_entries(user_id=user.pk if user else None, household_code=filters.get("household", ""))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/index.html", {"form": form, "page": page})
