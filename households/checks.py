"""Checks other apps add to a roster import (the quality app's 疑点 rules).

The households app cannot import them (imports point from quality to
households), so they register here when their app is ready. Each check takes
the codes of the households the import wrote (still inside its transaction,
rolled back for a preview) and returns (household code, message) warnings; the
import lists them per row and refuses nothing.
"""

from collections.abc import Callable

ImportCheck = Callable[..., list[tuple[str, str]]]
IMPORT_CHECKS: list[ImportCheck] = []
