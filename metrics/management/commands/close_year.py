"""manage.py close_year Y [--user U] [--reopen --reason R]: close (or reopen) a year's figures as reported."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics.closing import year_close, year_reopen


class Command(BaseCommand):
    help = (
        "Close year Y: store every region's figures as reported; later changes dated in Y need an admin's correction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--user", help="the admin doing it (default: the first superuser)")
        parser.add_argument("--reopen", action="store_true", help="reopen the year instead (needs --reason)")
        parser.add_argument(
            "--reason", default="", help="why the year is reopened, or why it closes despite open 疑点 errors"
        )

    def handle(self, *args: Any, year: int, user: str | None, reopen: bool, reason: str, **options: Any) -> None:
        users = get_user_model().objects
        admin = users.filter(username=user).first() if user else users.filter(is_superuser=True).order_by("pk").first()
        if admin is None or not admin.is_admin:
            raise CommandError(f"no admin user {user or '(superuser)'}: pass --user with an admin's username")
        try:
            if reopen:
                year_reopen(user=admin, year=year, reason=reason)
                self.stdout.write(f"{year} reopened by {admin.username}")
                return
            closed = year_close(user=admin, year=year, override_reason=reason)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(
            f"{year} closed at {closed.closed_at:%Y-%m-%d %H:%M} by {admin.username}: "
            f"{closed.figures.count()} regions' figures stored as reported"
        )
