from django_tasks import task

from .services import job_run


@task()
def run_job(job_id: int) -> None:
    """The worker's entry point: one Job row, run to its end (done or failed)."""
    job_run(job_id=job_id)
