"""Writes to the figures' own tables that are not year closing (metrics.closing): the exit targets."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record, diff, snapshot

from .models import ExitTarget

EXIT_TARGET_FIELDS = ["division_id", "year", "target_population"]


def exit_target_save(*, user: User, target: ExitTarget) -> ExitTarget:
    """Create or change a region's exit target (年度脱贫任务) for a year; admins only, audited."""
    _check_admin(user)
    before = snapshot(ExitTarget.objects.get(pk=target.pk), EXIT_TARGET_FIELDS) if target.pk else {}
    try:
        target.full_clean()
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    with transaction.atomic():
        target.save()
        audit_record(
            user=user,
            action=Action.UPDATE if before else Action.CREATE,
            obj=target,
            changes=diff(before, snapshot(target, EXIT_TARGET_FIELDS)),
            region_code=target.division_id,
            summary=str(target),
        )
    return target


def exit_target_delete(*, user: User, target: ExitTarget) -> None:
    """Delete an exit target; admins only, audited."""
    _check_admin(user)
    with transaction.atomic():
        audit_record(
            user=user,
            action=Action.DELETE,
            obj=target,
            changes=diff(snapshot(target, EXIT_TARGET_FIELDS), {}),
            region_code=target.division_id,
            summary=str(target),
        )
        target.delete()


def _check_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied(_("只有管理员可以修改年度脱贫任务。"))
