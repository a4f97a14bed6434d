"""One edit-permission rule, `can_edit_region`.

Who may change which region's data, and the refusals that follow from it.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from funds.services import check_can_write
from households.services import check_can_edit
from tests.conftest import make_user
from villages.models import Division
from villages.scope import can_edit_region, in_scope, scope_filter
from villages.services import check_can_edit_village

CHENGGUAN_VILLAGE = "623021100201"


@pytest.mark.parametrize(
    ("who", "code", "allowed"),
    [
        ("lintan_clerk", CHENGGUAN_VILLAGE, True),
        ("chengguan_clerk", CHENGGUAN_VILLAGE, True),
        ("chengguan_clerk", "623021101201", False),  # the neighbouring township
        ("zhuoni_clerk", CHENGGUAN_VILLAGE, False),  # Charlie
        ("lintan_official", CHENGGUAN_VILLAGE, False),  # reads, never writes
        ("admin", CHENGGUAN_VILLAGE, True),
    ],
)
def test_each_role_may_edit_only_its_own_region(db, request, who, code, allowed):
    user = request.getfixturevalue(who)
    village = Division.objects.get(code=code)
    assert can_edit_region(user, code) is allowed
    # A foreign village reads as a missing one in the register (issue 13); funds refuse it with 403.
    foreign = (PermissionDenied,) if in_scope(user, code) else (ValidationError,)
    checks = [
        (lambda: check_can_edit(user, village), foreign),
        (lambda: check_can_edit_village(user, village), foreign),
        (lambda: check_can_write(user, code), (PermissionDenied,)),
    ]
    for check, refusal in checks:
        if allowed:
            check()
        else:
            with pytest.raises(refusal):
                check()


def test_a_clerk_without_a_division_sees_and_edits_nothing(db):
    nobody = make_user("nobody", Role.CLERK, None)
    assert nobody.sees_nothing
    assert not in_scope(nobody, CHENGGUAN_VILLAGE)
    assert not can_edit_region(nobody, CHENGGUAN_VILLAGE)
    assert list(scope_filter(Division.objects.all(), nobody, "code")) == []
    assert nobody.region_code == ""


def test_accounts_and_villages_do_not_import_each_other():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def imported(app: str) -> set[str]:
        """Apps imported at run time (imports under `if TYPE_CHECKING:` are for annotations only)."""
        names = set()
        for path in (root / app).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for block in [
                n for n in ast.walk(tree) if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"
            ]:
                block.body = []
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
                elif isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
        return names

    assert "villages" not in imported("accounts")
    assert "accounts" not in imported("villages")
