"""Every write to the household register goes through these functions.

Forms, the admin, imports and the API call them, so the rules (ID numbers,
one head, one person in one household, the exit test, region scope,
optimistic locking) and the audit trail hold everywhere. Import them from
here; the modules hold them by seam: `common` (field lists, region check,
closed years), `members`, `households`, `years`, `status` and `bulk` (imports).
"""

from .bulk import households_register_bulk
from .common import HOUSEHOLD_FIELDS, MEMBER_FIELDS, SPAN_FIELDS, YEAR_FIELDS, StaleVersion, check_can_edit
from .households import household_register, household_update
from .members import member_clean, members_check
from .status import (
    TRANSITIONS,
    StatusLink,
    household_history_date,
    household_status_change,
    status_chain,
    status_may_follow,
)
from .years import household_year_save

__all__ = [
    "HOUSEHOLD_FIELDS",
    "MEMBER_FIELDS",
    "SPAN_FIELDS",
    "TRANSITIONS",
    "YEAR_FIELDS",
    "StaleVersion",
    "StatusLink",
    "check_can_edit",
    "household_history_date",
    "household_register",
    "household_status_change",
    "household_update",
    "household_year_save",
    "households_register_bulk",
    "member_clean",
    "members_check",
    "status_chain",
    "status_may_follow",
]
