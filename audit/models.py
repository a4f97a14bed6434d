from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    STATUS = "status", _("状态变更")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class AuditEntry(models.Model):
    """Who changed what, when: one row per changed object, old and new values.

    `household_code` and `region_code` are plain strings, so an entry outlives
    the object and admins can read the trail per household and per region.
    `batch` groups the rows of one bulk change (an import: file name and user).
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    household_code = models.CharField(_("户编号"), max_length=32, blank=True, db_index=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    batch = models.CharField(_("批次"), max_length=200, blank=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"

    @property
    def object_label(self) -> str:
        """The object type as a clerk names it (状态变更), not as the code stores it (statuschange)."""
        return object_type_label(self.object_type)


# Entries about something other than one model's row.
OTHER_OBJECT_TYPES = {"import": _("批量导入"), "household_roster": _("贫困户信息采集表导出")}


def object_type_label(object_type: str) -> str:
    """A model name (household, statuschange …) or another entry type as its Chinese (or English) name."""
    from django.apps import apps

    if object_type in OTHER_OBJECT_TYPES:
        return str(OTHER_OBJECT_TYPES[object_type])
    model = next((m for m in apps.get_models() if m._meta.model_name == object_type), None)
    return str(model._meta.verbose_name) if model is not None else object_type
