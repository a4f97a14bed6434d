"""Starting and running background jobs (Django's tasks API, database backend).

A page starts a job with `job_start` and redirects to the job's page, which
shows the progress bar and, when done, the download. The worker
(`manage.py db_worker`, started by `make run`) calls `job_run`.
"""

import logging
import tempfile
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Job, JobStatus
from .registry import Progress, runner_for

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): a bar, not a log.
PROGRESS_EVERY = 0.5


def job_start(*, user: User, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Queue job `kind` (see jobs/registry.py) for `user`; the worker picks it up."""
    from .tasks import run_job

    runner_for(kind)  # an unknown kind fails here, in the request, not later in the worker
    job = Job.objects.create(user=user, kind=kind, title=title, params=params or {})
    run_job.enqueue(job.pk)
    return job


def _progress_writer(job: Job) -> Progress:
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY and done < total:
            return
        last = now
        Job.objects.filter(pk=job.pk).update(done=done, total=total)

    return progress


def job_run(*, job_id: int) -> Job:
    """Run one queued job: its result goes to private storage, its error to the job's page."""
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    run = runner_for(job.kind)
    settings.PRIVATE_MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryFile(dir=settings.PRIVATE_MEDIA_ROOT) as out:
            output = run(job=job, out=out, progress=_progress_writer(job))
            out.seek(0)
            job.refresh_from_db(fields=["done", "total"])
            job.file.save(f"{job.pk}.bin", File(out), save=False)
        job.filename, job.content_type = output.filename, output.content_type
        job.link, job.link_label = output.link, output.link_label
        job.status = JobStatus.DONE
        job.done = max(job.done, job.total)
    except ValidationError as error:
        job.status, job.error = JobStatus.FAILED, " ".join(error.messages)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status, job.error = JobStatus.FAILED, _("任务出错，请稍后重试或联系管理员。")
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "file",
            "filename",
            "content_type",
            "link",
            "link_label",
            "status",
            "error",
            "done",
            "finished_at",
        ]
    )
    return job


def jobs_prune(*, days: int) -> int:
    """Delete finished jobs older than `days`, with their files; returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    old = Job.objects.filter(created_at__lt=cutoff, status__in=[JobStatus.DONE, JobStatus.FAILED])
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
