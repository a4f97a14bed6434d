"""Background job kinds of the register: applying a large import outside the request."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jobs.registry import JobOutput, job_kind

from .uploads import IMPORTERS, pending_upload_path


@job_kind("households.import")
def import_apply(*, job, out, progress) -> JobOutput:
    """Apply a previewed upload as `job.user` (the importer applies their scope); the download is the report."""
    run, labels = IMPORTERS[job.params["kind"]]
    path = pending_upload_path(job.params["token"])
    if not path.is_file():
        raise ValidationError(_("要导入的文件已过期或已导入，请重新上传。"))
    progress(0, 1)
    report = run(data=path.read_bytes(), file_name=job.params["name"], user=job.user, dry_run=False)
    if report.applied:
        path.unlink(missing_ok=True)
    out.write("\n".join(report.lines(labels)).encode("utf-8"))
    if not report.ok:
        raise ValidationError([str(p) for p in report.errors[:20]])
    progress(1, 1)
    return JobOutput(filename=f"导入结果-{job.params['name']}.txt", content_type="text/plain; charset=utf-8")
