from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

# The scope prefix of a user who may see nothing: no division code starts with it.
NO_REGION = "-"


class Role(models.TextChoices):
    OFFICIAL = "official", _("领导干部（只读）")
    CLERK = "clerk", _("录入员")
    TOWNSHIP_REVIEWER = "township_reviewer", _("乡镇审核员")
    COUNTY_APPROVER = "county_approver", _("县级审定人")
    ADMIN = "admin", _("管理员")


class User(AbstractUser):
    """A platform user: a role and the division whose data they may see."""

    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.OFFICIAL)
    division = models.ForeignKey(
        "villages.Division",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_(
            "用户只能查看（录入员可修改）该区划及其下级的数据。管理员总是管理全州，不能指定区划。"
            "乡镇审核员须属于一个乡镇，县级审定人须属于一个县市。"
        ),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        # An admin runs the whole prefecture (users, audit, full-ID exports): a division would suggest a
        # scope that the audit trail, the Django admin and exports do not have (docs/SECURITY.md).
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="admin") | models.Q(division__isnull=True), name="admin_has_no_division"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ADMIN and self.division_id:
            raise ValidationError(
                {"division": _("管理员管理全州，不能指定所属区划。请清空“所属区划”，或改为其他角色。")}
            )
        # A reviewer or approver decides for exactly one township or county: the level is part of the role.
        # Level codes and names of villages.Level, written out so that accounts does not import villages.
        levels: dict[str, tuple[str, str]] = {
            Role.TOWNSHIP_REVIEWER: ("township", str(_("乡镇"))),
            Role.COUNTY_APPROVER: ("county", str(_("县市"))),
        }
        needed = levels.get(str(self.role))
        if needed and (self.division is None or self.division.level != needed[0]):
            raise ValidationError(
                {"division": _("%(role)s必须属于一个%(level)s。") % {"role": Role(self.role).label, "level": needed[1]}}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The Django admin is for the admin role (and superusers); the role decides, not a separate flag.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)

    def has_perm(self, perm: str, obj: Model | None = None) -> bool:
        return (self.is_active and self.role == Role.ADMIN) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return (self.is_active and self.role == Role.ADMIN) or super().has_module_perms(app_label)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_township_reviewer(self) -> bool:
        return self.role == Role.TOWNSHIP_REVIEWER

    @property
    def is_county_approver(self) -> bool:
        return self.role == Role.COUNTY_APPROVER

    @property
    def can_edit_households(self) -> bool:
        return self.is_admin or self.is_clerk

    @property
    def scope_prefix(self) -> str:
        """Code prefix of everything this user may see ("" = everything).

        A non-admin without a division sees nothing: NO_REGION matches no code.
        """
        if self.is_admin:
            return ""
        if self.division is None:
            return NO_REGION
        return self.division.prefix

    @property
    def sees_nothing(self) -> bool:
        """A non-admin without a division: every scoped list is empty for them."""
        return self.scope_prefix == NO_REGION

    @property
    def region_code(self) -> str:
        """The audit trail's region of this user's writes ("" for everything or nothing)."""
        return "" if self.sees_nothing else self.scope_prefix
