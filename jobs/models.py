from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage() -> FileSystemStorage:
    """Job results hold personal data: kept outside any served folder, read only through the job's view.

    A callable, so that the migration names this function, not one machine's folder.
    """
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A long export, import or print run, done by the worker for one user."""

    kind = models.CharField(_("任务类型"), max_length=64)
    title = models.CharField(_("任务"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.FileField(_("结果文件"), storage=private_storage, upload_to="jobs/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    link = models.CharField(_("下一步"), max_length=300, blank=True)
    link_label = models.CharField(max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
