"""The demo logins: they exist only through seed_demo, never in settings or migrations."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.models import Role

from .context import DemoContext

PASSWORD = "gannan-demo-2016"

# (username, role, division, description, the person's name shown in the header)
DEMO_USERS = [
    ("demo_admin", Role.ADMIN, None, "管理员（全州，含用户与审计）", "卓玛"),
    ("zhou_official", Role.OFFICIAL, "623000", "甘南州领导（只读）", "王建国"),
    ("lintan_official", Role.OFFICIAL, "623021", "临潭县领导（只读）", "李明"),
    ("lintan_clerk", Role.CLERK, "623021", "临潭县录入员", "才让"),
    ("chengguan_reviewer", Role.TOWNSHIP_REVIEWER, "623021100", "临潭县城关镇乡镇审核员", "马文华"),
    ("lintan_approver", Role.COUNTY_APPROVER, "623021", "临潭县县级审定人", "杨志强"),
]


def build(ctx: DemoContext) -> None:
    User = get_user_model()
    # One hash for the six logins: the hasher's rounds are meant to be slow (a second or more under load, each).
    password = make_password(PASSWORD)
    for username, role, division, _description, name in DEMO_USERS:
        User.objects.create(
            username=username,
            password=password,
            role=role,
            division_id=division,
            first_name=name,  # a person's name: the header adds the role and division itself
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
    ctx.counts["users"] = len(DEMO_USERS)


def wipe(ctx: DemoContext) -> None:
    get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()


def logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, region) of each demo login, for the table the command prints."""
    return [
        (username, PASSWORD, str(Role(role).label), description)
        for username, role, _d, description, _name in DEMO_USERS
    ]
