"""Background job kinds of the household register: the roster XLSX (a county's takes longer than a request should)."""

from typing import BinaryIO

from django.utils import timezone

from jobs.models import Job
from jobs.registry import JobOutput, Progress, job_kind

from .exports import roster_rows, roster_xlsx
from .selectors import household_list

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
