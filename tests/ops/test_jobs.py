"""Background jobs: the progress page (refreshing without JavaScript), a failure shown with
its message, a retry, results kept for JOB_KEEP_HOURS, and another township's job hidden."""

from datetime import timedelta

import pytest
import time_machine

from noticeboard.core.errors import DomainError
from noticeboard.extensions import db
from noticeboard.jobs import services
from noticeboard.jobs.models import Job, JobStatus
from noticeboard.jobs.registry import HANDLERS, JobResult
from tests.conftest import csrf_token, login


@pytest.fixture
def flaky():
    """A job kind that fails on its first run and succeeds on the second."""
    runs = []

    def handler(user, params, progress):
        runs.append(params)
        for step in range(1, 4):
            progress(step, 3)
        if len(runs) == 1:
            raise DomainError("模板缺少字段：第 3 行“金额”为空，请补上后重试")
        return JobResult("结果.txt", "text/plain", "完成".encode())

    HANDLERS["flaky"] = handler
    yield runs
    del HANDLERS["flaky"]


def test_a_running_job_shows_its_progress_and_refreshes_itself(app, world):
    job = Job(
        kind="batch_print", title="批量打印：新店镇", params={}, user_id=world.clerk_a.id,
        region_id=world.township_a.id, status=JobStatus.RUNNING, done=40, total=200,
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    client = app.test_client()
    login(client, world.clerk_a.username)
    response = client.get(f"/staff/jobs/{job.id}")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'max="200" value="40"' in page and "40 / 200（20%）" in page
    # Another township's clerk does not learn it exists.
    other = app.test_client()
    login(other, world.clerk_b.username)
    assert other.get(f"/staff/jobs/{job.id}").status_code == 404


def test_a_failed_job_shows_its_error_and_a_retry_finishes_it(app, world, flaky):
    client = app.test_client()
    login(client, world.clerk_a.username)
    job = services.submit(world.clerk_a, "flaky", {"n": 1}, "导入测试", world.township_a)
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "失败" in page and "第 3 行“金额”为空" in page
    assert "http-equiv" not in page  # a finished job's page stops refreshing
    assert client.get(f"/staff/jobs/{job.id}/result").status_code == 404
    token = csrf_token(client, f"/staff/jobs/{job.id}")
    retried = client.post(f"/staff/jobs/{job.id}/retry", data={"csrf_token": token})
    assert retried.status_code == 302
    done = db.session.get(Job, job.id)
    db.session.refresh(done)
    assert done.status == JobStatus.DONE and done.attempts == 2 and done.error is None
    assert (done.done, done.total) == (3, 3)
    assert flaky == [{"n": 1}, {"n": 1}]  # the same arguments again
    result = client.get(f"/staff/jobs/{job.id}/result")
    assert result.status_code == 200 and result.data.decode() == "完成"
    # Only a failed job can be retried.
    again = client.post(f"/staff/jobs/{job.id}/retry", data={"csrf_token": token})
    assert "只有失败的任务可以重试" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_an_unexpected_error_is_logged_and_the_user_reads_what_to_do(app, world, caplog):
    def broken(user, params, progress):
        raise RuntimeError("secret detail 110101199003077777")

    HANDLERS["broken"] = broken
    try:
        job = services.submit(world.clerk_a, "broken", {}, "坏任务", world.township_a)
    finally:
        del HANDLERS["broken"]
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.error == services.FAILED_UNEXPECTEDLY
    assert "secret detail" not in job.error


def test_finished_jobs_are_forgotten_after_the_keep_time(app, world, flaky):
    job = services.submit(world.clerk_a, "flaky", {}, "导入测试", world.township_a)
    job_id = job.id
    assert services.purge_finished() == 0
    hours = app.config["JOB_KEEP_HOURS"]
    with time_machine.travel(timedelta(hours=hours + 1), tick=False):
        assert services.purge_finished() == 1
    assert db.session.get(Job, job_id) is None


def test_a_job_left_running_by_a_stopped_worker_fails_and_can_be_retried(app, world):
    job = Job(
        kind="batch_print", title="批量打印：新店镇", params={}, user_id=world.clerk_a.id,
        region_id=world.township_a.id, status=JobStatus.RUNNING,
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    services.beat("other-machine:1")  # another worker is alive: it may be running the job
    assert services.fail_abandoned("this-machine:2") == 0
    with time_machine.travel(timedelta(minutes=5)):  # it has stopped too
        assert services.fail_abandoned("this-machine:2") == 1
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and "请点“重试”" in job.error
