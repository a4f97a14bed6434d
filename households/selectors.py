"""Reads of the household register, always within the reader's region."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.scope import scope_filter

from .ids import normalize_id
from .models import Household, Member


def household_list(*, user, q: str = "", division: str = "", status: str = "", attribute: str | int = "",
                   main_cause: str | int = "") -> QuerySet[Household]:
    """Households the user may see, narrowed by the list's filters.

    `q` matches the household number, a member's name or a member's ID number
    (full or partial); `division` is any division code under the user's region.
    """
    qs = scope_filter(Household.objects.select_related("village", "village__parent"), user, "village_id")
    if division:
        qs = qs.filter(village_id__startswith=division)
    if status:
        qs = qs.filter(status=status)
    if attribute:
        qs = qs.filter(attribute=attribute)
    if main_cause:
        qs = qs.filter(main_cause=main_cause)
    q = q.strip()
    if q:
        number = normalize_id(q)
        members = Member.objects.filter(household=OuterRef("pk")).filter(
            Q(name__contains=q) | Q(id_number__contains=number)
        )
        qs = qs.filter(Q(code__icontains=q) | Q(head_name__contains=q) | Exists(members))
    return qs.order_by("code")


def household_get(*, user, pk: int) -> Household:
    """One household in the user's region; Household.DoesNotExist (→ 404) otherwise."""
    return scope_filter(Household.objects.select_related("village", "village__parent"), user, "village_id").get(pk=pk)
