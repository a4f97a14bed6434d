"""Background job kinds of the household register: the roster XLSX (a county's takes longer than a request should)
and applying a large import outside the request."""

from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jobs.models import Job
from jobs.registry import JobOutput, Progress, job_kind

from .exports import roster_rows, roster_xlsx
from .selectors import household_list
from .uploads import IMPORTERS, pending_preview_path, pending_preview_save, pending_upload_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@job_kind("households.roster_xlsx")
def roster_xlsx_job(*, job: Job, out: BinaryIO, progress: Progress) -> JobOutput:
    """The roster XLSX of the filters in `job.params`, in the scope of the user who asked for it."""
    params = dict(job.params)
    full = params.pop("full_ids", False) and job.user.is_admin
    households = household_list(user=job.user, **params)
    roster_xlsx(roster_rows(households, full_ids=full, progress=progress), out)
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return JobOutput(filename=f"贫困户信息采集表-{stamp}.xlsx", content_type=XLSX)


@job_kind("households.import_check")
def import_check(*, job: Job, out: BinaryIO, progress: Progress) -> JobOutput:
    """The dry run of a large upload, outside the request: the preview is kept for the clerk to read and confirm.

    The download is the check's report; a refused file is deleted (the clerk fixes it and uploads it again).
    """
    kind, token, name = job.params["kind"], job.params["token"], job.params["name"]
    run, labels = IMPORTERS[kind]
    path = pending_upload_path(token)
    if not path.is_file():
        raise ValidationError(_("要导入的文件已过期或已导入，请重新上传。"))
    progress(0, 1)
    report = run(data=path.read_bytes(), file_name=name, user=job.user, dry_run=True)
    if not report.ok:
        path.unlink(missing_ok=True)
        raise ValidationError(
            [_("文件未通过检查，共 %(n)d 处错误：") % {"n": len(report.errors)}, *(str(p) for p in report.errors[:20])]
        )
    pending_preview_save(token, report)
    out.write("\n".join(report.lines(labels)).encode("utf-8"))
    progress(1, 1)
    return JobOutput(
        filename=f"检查结果-{name}.txt",
        content_type="text/plain; charset=utf-8",
        link=reverse("households_data:preview", args=[kind, token]),
        link_label=gettext_noop("查看预览并确认导入"),
    )


@job_kind("households.import")
def import_apply(*, job: Job, out: BinaryIO, progress: Progress) -> JobOutput:
    """Apply a previewed upload as `job.user` (the importer applies their scope); the download is the report."""
    run, labels = IMPORTERS[job.params["kind"]]
    path = pending_upload_path(job.params["token"])
    if not path.is_file():
        raise ValidationError(_("要导入的文件已过期或已导入，请重新上传。"))
    progress(0, 1)
    report = run(data=path.read_bytes(), file_name=job.params["name"], user=job.user, dry_run=False)
    if report.applied:
        path.unlink(missing_ok=True)
        pending_preview_path(job.params["token"]).unlink(missing_ok=True)
    out.write("\n".join(report.lines(labels)).encode("utf-8"))
    if not report.ok:
        raise ValidationError([str(p) for p in report.errors[:20]])
    progress(1, 1)
    return JobOutput(filename=f"导入结果-{job.params['name']}.txt", content_type="text/plain; charset=utf-8")
