"""The checks run on every save and after every import, dated the day of the change.

A save anywhere (forms, API, admin, the services an import calls) marks its
household; when the transaction commits, one run checks the households it
marked, so a fix closes its 疑点 at once and a new defect shows up at once.
Signals, not a call in households/services/: the households app cannot
import this one, and a signal catches every path that saves a row. Bulk
imports write without signals; `import_check` covers them.
"""

import threading

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from funds.models import Measure
from gannan.lib.bulk import refresh_statistics
from households.models import Household, HouseholdYear, Member, StatusChange

from .rules import BY_CODE
from .services import MANY, Finding, findings, quality_run


class _Pending(threading.local):
    """The households marked in this thread's open transaction, and why (a save, or an import)."""

    def __init__(self):
        self.ids: set[int] = set()
        self.trigger = "save"
        # What an import's check found on its households, kept for the run at commit (not asked twice).
        self.found: tuple[frozenset[int], set[Finding]] | None = None


_pending = _Pending()


def _flush() -> None:
    ids, trigger, known = sorted(_pending.ids), _pending.trigger, _pending.found
    _pending.ids, _pending.trigger, _pending.found = set(), "save", None
    if ids:
        found = known[1] if known is not None and known[0] == frozenset(ids) else None
        quality_run(trigger=trigger, household_ids=ids, found=found)


def _mark(ids: list[int], trigger: str) -> None:
    """Check these households when the current transaction commits (at once outside one).

    Every mark asks for a flush; the first flush of the commit checks them all and the others find
    nothing left. A transaction with no callback yet starts afresh (a rolled-back one leaves none).
    """
    if not connection.in_atomic_block:
        quality_run(trigger=trigger, household_ids=ids)
        return
    if not connection.run_on_commit:
        _pending.ids, _pending.trigger, _pending.found = set(), "save", None
    _pending.ids.update(ids)
    if trigger != "save":
        _pending.trigger = trigger
    transaction.on_commit(_flush)


def household_touched(household_id: int | None) -> None:
    if household_id is not None:
        _mark([household_id], "save")


def _on_household(sender, instance, **kwargs) -> None:
    household_touched(instance.pk)


def _on_part(sender, instance, **kwargs) -> None:
    household_touched(instance.household_id)


def connect() -> None:
    post_save.connect(_on_household, sender=Household, dispatch_uid="quality_household")
    for model in (Member, HouseholdYear, StatusChange, Measure):
        post_save.connect(_on_part, sender=model, dispatch_uid=f"quality_{model.__name__}_save")
        post_delete.connect(_on_part, sender=model, dispatch_uid=f"quality_{model.__name__}_delete")


def import_check(*, codes: list[str], dry_run: bool) -> list[tuple[str, str]]:
    """The 疑点 of the imported households, as warnings per household; a real import also stores them."""
    ids: dict[int, str] = {}
    for start in range(0, len(codes), MANY):  # codes of a large file, in batches under the parameter limits
        ids |= dict(Household.objects.filter(code__in=codes[start : start + MANY]).values_list("pk", "code"))
    if len(ids) > MANY:  # a large file: the rules read the whole register, which the import has just grown
        refresh_statistics(Household, Member, StatusChange, HouseholdYear)
    found = findings(household_ids=list(ids))
    # Each rule's message translated once: a large file has tens of thousands of 疑点.
    messages = {
        code: _("疑点 %(code)s（%(severity)s）：%(message)s")
        % {"code": code, "severity": BY_CODE[code].severity_label, "message": BY_CODE[code].message}
        for code in {code for code, _h, _m in found}
    }
    warnings = [(ids[household], messages[code]) for code, household, _member in sorted(found)]
    if not dry_run:
        _mark(list(ids), "import")
        if connection.in_atomic_block:
            # The import writes nothing the rules read after this check: the run at commit reuses its findings.
            _pending.found = (frozenset(ids), found)
    return warnings
