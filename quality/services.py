"""Running the 疑点 rules and keeping their results: open what is new, close what is fixed.

All rules are asked in one UNION query (`findings`); the only Python loop
walks the findings and the open 疑点, a small share of the register.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import CharField, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import AuditEntry
from gannan.lib.bulk import bulk_insert
from households.models import Household

from .models import Issue, Run
from .rules import BY_CODE, RULES, Context, Rule, context

Finding = tuple[str, int, int | None]  # (rule code, household id, member id or None)
# Above this many households (a large import) the rules run over the whole register and the result is
# filtered here: a list of ids repeated in every rule's query would pass the databases' parameter limits.
MANY = 500


def _rows(rule: Rule, ctx: Context, household_ids: list[int] | None) -> QuerySet:
    """The rule's offenders as (household, member, rule) rows, the same three columns for every rule."""
    qs = rule.query(ctx)
    if rule.subject == "member":
        qs = qs.annotate(f_household=Cast("household_id", IntegerField()), f_member=Cast("pk", IntegerField()))
    else:
        qs = qs.annotate(f_household=Cast("pk", IntegerField()), f_member=Value(None, output_field=IntegerField()))
    if household_ids is not None:
        qs = qs.filter(f_household__in=household_ids)
    qs = qs.annotate(f_rule=Value(rule.code, output_field=CharField()))
    return qs.order_by().values_list("f_household", "f_member", "f_rule")


def findings(
    *, rules: Iterable[Rule] = RULES, ctx: Context | None = None, household_ids: list[int] | None = None
) -> set[Finding]:
    """What the rules find now, on the whole register or on some households: one query."""
    ctx = ctx or context()
    many = household_ids is not None and len(household_ids) > MANY
    parts = [_rows(rule, ctx, None if many else household_ids) for rule in rules]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found = {(code, household, member) for household, member, code in union}
    if household_ids is not None and many:
        wanted = set(household_ids)
        found = {f for f in found if f[1] in wanted}
    return found


def _villages(household_ids: set[int]) -> dict[int, str]:
    """{household id: its village}, for the copy each new 疑点 carries; asked MANY at a time (parameter limits)."""
    ids = sorted(household_ids)
    village: dict[int, str] = {}
    for start in range(0, len(ids), MANY):
        rows = Household.objects.filter(pk__in=ids[start : start + MANY]).values_list("pk", "village_id")
        village.update(rows)
    return village


def _last_editor(household_field: str = "household_id") -> Subquery:
    """Who last changed the household, from the audit trail: the one a fix is credited to."""
    code = Household.objects.filter(pk=OuterRef(OuterRef(household_field))).values("code")[:1]
    return Subquery(
        AuditEntry.objects.filter(household_code=Subquery(code), user__isnull=False)
        .order_by("-at", "-id")
        .values("user")[:1]
    )


def quality_run(
    *, trigger: str, household_ids: list[int] | None = None, user=None, found: set[Finding] | None = None
) -> Run:
    """Run every rule and bring the 疑点 up to date, dated today.

    `household_ids` limits the run to some households (a save, an import);
    None runs the whole register. A 疑点 found again stays open with its
    first date; one no longer found is closed today, credited to `user`
    when given (the save that fixed it) or else to the household's last
    editor in the audit trail. `found` is what `findings` gave for these households in
    this same state of the register, when the caller has just asked (an import's check).
    """
    today = timezone.localdate()
    if found is None:
        found = findings(household_ids=household_ids)
    open_issues = Issue.objects.filter(closed_on__isnull=True)
    if household_ids is not None and len(household_ids) <= MANY:
        open_issues = open_issues.filter(household_id__in=household_ids)
    wanted = None if household_ids is None else set(household_ids)
    known = {
        (rule, household, member): pk
        for pk, rule, household, member in open_issues.values_list("pk", "rule", "household_id", "member_id")
        if wanted is None or household in wanted
    }
    fixed = [pk for key, pk in known.items() if key not in found]
    new = [key for key in found if key not in known]
    with transaction.atomic():
        run = Run.objects.create(
            on=today,
            trigger=trigger,
            scope="" if household_ids is None else f"{len(household_ids)}",
            found=len(found),
            opened=len(new),
            closed=len(fixed),
            counts=dict(Counter(code for code, _h, _m in found)),
        )
        # Through the bulk writer: a large import opens tens of thousands at once.
        village = _villages({household for _code, household, _member in new})
        bulk_insert(
            Issue,
            ["rule", "severity", "household_id", "village_id", "member_id", "opened_on", "opened_run_id"],
            [
                (code, BY_CODE[code].severity, household, village[household], member, today, run.pk)
                for code, household, member in sorted(new, key=str)
            ],
        )
        by = user.pk if user is not None and user.is_authenticated else _last_editor()
        for start in range(0, len(fixed), MANY):
            closing = Issue.objects.filter(pk__in=fixed[start : start + MANY])
            closing.update(closed_on=today, closed_run=run, closed_by=by)
    return run
