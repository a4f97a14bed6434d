"""Reads of the household register, always within the reader's region."""

from datetime import date
from typing import Any

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEntry
from villages.scope import scope_filter

from .ids import normalize_id
from .models import Household, HouseholdYear, Member, PovertyLine, Relation, StatusChange, present_on


def households_as_at(households: QuerySet[Household], year: int) -> QuerySet[Household, Any]:
    """The households on the register at the end of `year`, with `status_then` and `people_then` as they were.

    Two correlated subqueries on the indexed spans (the status change covering
    31 Dec Y, the members present then): no per-household Python.
    """
    end = date(year, 12, 31)
    then = (
        StatusChange.objects.filter(household=OuterRef("pk"), date__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .values("status")[:1]
    )
    people = (
        Member.objects.filter(present_on(end), household=OuterRef("pk"))
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    households = households.annotate(
        status_then=Subquery(then), people_then=Coalesce(Subquery(people, output_field=IntegerField()), 0)
    )
    return households.filter(status_then__isnull=False)


def household_list(
    *,
    user: User,
    q: str = "",
    division: str = "",
    status: str = "",
    attribute: str | int = "",
    main_cause: str | int = "",
    year: int | None = None,
) -> QuerySet[Household]:
    """Households the user may see, narrowed by the list's filters.

    `q` matches the household number, a member's name or a member's ID number
    (full or partial); `division` is a code prefix under the user's region: a county's, township's or
    village's code, or a region's `Division.prefix` (the prefecture 623000's households begin 6230).
    With `year`, the list is the register at the end of that year: status
    (and the status filter) and population as they were then.
    """
    qs = scope_filter(Household.objects.select_related("village", "village__parent"), user, "village__code")
    if division:
        qs = qs.filter(village__code__startswith=division)
    if year:
        qs = households_as_at(qs, year)
        if status:
            qs = qs.filter(status_then=status)  # type: ignore[misc]  # annotated by households_as_at
    elif status:
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


def household_list_totals(households: QuerySet[Household]) -> dict[str, int]:
    """Households and people of a (filtered) list, in one aggregate query (people as then for a year's list)."""
    people = "people_then" if "people_then" in households.query.annotations else "member_count"
    totals = households.order_by().aggregate(households=Count("pk"), people=Coalesce(Sum(people), 0))
    return {"households": totals["households"], "people": totals["people"]}


def household_list_with_head_id(households: QuerySet[Household]) -> QuerySet[Household]:
    """The list with the head's ID number as `head_id_number` (one subquery, not a query per row)."""
    heads = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("id_number")[:1]
    return households.annotate(head_id_number=Subquery(heads))


def household_list_with_matched_member(households: QuerySet[Household], q: str) -> QuerySet[Household]:
    """The list with `matched_member`: the name of the (non-head) member whose name or ID number matched `q`.

    So a search for a member's name shows which member of the household it found.
    """
    q = q.strip()
    if not q:
        return households
    number = normalize_id(q)
    matched = (
        Member.objects.filter(household=OuterRef("pk"))
        .exclude(relation=Relation.HEAD)
        .filter(Q(name__contains=q) | Q(id_number__contains=number))
        .order_by("id")
        .values("name")[:1]
    )
    return households.annotate(matched_member=Subquery(matched))


# 户编号: the village's 12-digit code and a 4-digit sequence in the village, from 0001 (0000 is the templates' example).
HOUSEHOLD_CODE_SEQUENCE = 4


def household_code_next(*, village_code: str) -> str:
    """The next free 户编号 of a village: its code and the sequence after the highest one in use (one query)."""
    length = len(village_code) + HOUSEHOLD_CODE_SEQUENCE
    highest = (
        Household.objects.filter(code__startswith=village_code)
        .annotate(n=Length("code"))
        .filter(n=length)
        .aggregate(m=Max("code"))["m"]
    )
    sequence = int(highest[len(village_code) :]) + 1 if highest and highest[len(village_code) :].isdigit() else 1
    return f"{village_code}{sequence:0{HOUSEHOLD_CODE_SEQUENCE}d}"


def household_code_problem(*, code: str, village_code: str) -> str | None:
    """Why `code` is not a 户编号 of the village (None when it is)."""
    sequence = code[len(village_code) :]
    if (
        code.startswith(village_code)
        and len(sequence) == HOUSEHOLD_CODE_SEQUENCE
        and sequence.isdigit()
        and int(sequence) > 0
    ):
        return None
    return _("户编号由所在村的 12 位区划代码加 4 位顺序号组成（如 %(example)s），收到的是“%(code)s”。") % {
        "example": f"{village_code}0001",
        "code": code,
    }


def household_get(*, user: User, pk: int) -> Household:
    """One household in the user's region; Household.DoesNotExist (→ 404) otherwise."""
    qs = Household.objects.select_related("village", "village__parent", "village__parent__parent")
    return scope_filter(qs, user, "village__code").get(pk=pk)


def household_file(*, household: Household, with_audit: bool) -> dict[str, Any]:
    """Everything the household page (一户一档) shows besides the household itself.

    Each yearly record carries `poverty_line` (that year's line, or None).
    """
    years = list(HouseholdYear.objects.filter(household=household).order_by("-year"))
    lines = dict(PovertyLine.objects.filter(year__in=[y.year for y in years]).values_list("year", "amount"))
    for record in years:
        record.poverty_line = lines.get(record.year)
        record.above_line = record.poverty_line is not None and record.income_per_capita > record.poverty_line
    history = StatusChange.objects.filter(household=household).select_related("by").order_by("-date", "-id")
    trail = AuditEntry.objects.filter(household_code=household.code).select_related("user")[:200] if with_audit else []
    return {
        "members": sorted(household.members.all(), key=lambda m: (m.relation != Relation.HEAD, m.pk)),
        "years": years,
        "history": list(history),
        "trail": list(trail),
    }
