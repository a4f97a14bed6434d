"""Background jobs: started by a page, run by the worker, downloaded by their owner only."""

import pytest
from django.core.exceptions import ValidationError

from jobs.models import Job, JobStatus
from jobs.registry import JobOutput, job_kind
from jobs.services import job_run, job_start


@job_kind("tests.count_to")
def count_to(*, job, out, progress) -> JobOutput:
    total = job.params["n"]
    for i in range(1, total + 1):
        out.write(f"{i}\n".encode())
        progress(i, total)
    if job.params.get("refuse"):
        raise ValidationError("第 3 行：证件号码校验位不对")
    if job.params.get("crash"):
        raise RuntimeError("internal detail that users must not see")
    return JobOutput(filename="数到.txt", content_type="text/plain; charset=utf-8")


def test_a_finished_job_offers_its_file_to_its_owner(client, lintan_clerk):
    job = job_start(user=lintan_clerk, kind="tests.count_to", title="数到五", params={"n": 5})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100 and job.done == 5

    client.force_login(lintan_clerk)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "数到五" in page and "已完成" in page and f"/jobs/{job.pk}/download" in page
    download = client.get(f"/jobs/{job.pk}/download")
    assert b"".join(download.streaming_content) == b"1\n2\n3\n4\n5\n"
    assert "attachment" in download["Content-Disposition"]
    assert {"private", "no-store"} <= {part.strip() for part in download["Cache-Control"].split(",")}
    assert client.get("/jobs/").content.decode().count("数到五") == 1


def test_another_users_job_answers_like_a_missing_one(client, lintan_clerk, zhuoni_clerk, admin):
    job = job_start(user=lintan_clerk, kind="tests.count_to", title="数到五", params={"n": 5})
    for other in (zhuoni_clerk, admin):
        client.force_login(other)
        for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status.json", f"/jobs/{job.pk}/download"):
            assert client.get(url).status_code == 404
        assert client.get(f"/jobs/{job.pk + 1000}/").status_code == 404
        assert "数到五" not in client.get("/jobs/").content.decode()


def test_the_progress_bar_reads_the_status(client, lintan_clerk):
    job = Job.objects.create(
        user=lintan_clerk,
        kind="tests.count_to",
        title="排队",
        params={"n": 4},
        done=1,
        total=4,
        status=JobStatus.RUNNING,
    )
    client.force_login(lintan_clerk)
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status == {
        "status": "running",
        "status_label": "进行中",
        "done": 1,
        "total": 4,
        "percent": 25,
        "error": "",
        "finished": False,
        "link": "",
        "link_label": "",
    }
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404


def test_a_refused_job_shows_the_reason_and_a_crash_hides_the_details(client, lintan_clerk):
    refused = job_start(user=lintan_clerk, kind="tests.count_to", title="拒绝", params={"n": 3, "refuse": True})
    crashed = job_start(user=lintan_clerk, kind="tests.count_to", title="出错", params={"n": 3, "crash": True})
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert refused.status == crashed.status == JobStatus.FAILED
    assert refused.error == "第 3 行：证件号码校验位不对"
    assert "internal detail" not in crashed.error and "任务出错" in crashed.error
    assert not refused.file and not crashed.file
    client.force_login(lintan_clerk)
    assert "证件号码校验位不对" in client.get(f"/jobs/{refused.pk}/").content.decode()


def test_a_job_runs_once(lintan_clerk):
    job = job_start(user=lintan_clerk, kind="tests.count_to", title="一次", params={"n": 2})
    again = job_run(job_id=job.pk)
    assert again.status == JobStatus.DONE and again.finished_at == Job.objects.get(pk=job.pk).finished_at


@pytest.fixture
def reference_data(transactional_db):
    """The divisions again: an earlier transactional test (the browser tests) empties every table when it ends."""
    from tests.conftest import load_reference_data

    load_reference_data()


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its database connection
def test_with_the_database_backend_the_worker_runs_the_queued_job(reference_data, lintan_clerk, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = job_start(user=lintan_clerk, kind="tests.count_to", title="排队", params={"n": 3})
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.file.read() == b"1\n2\n3\n"
