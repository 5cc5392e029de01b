"""A batch print's page in a browser with JavaScript switched off: it reloads itself while the
job runs and shows the download once the worker is done, with nothing clicked."""

import pytest
from playwright.sync_api import expect

from noticeboard.extensions import db
from noticeboard.jobs.models import Job, JobStatus
from tests.browser.test_clerk import log_in

pytestmark = pytest.mark.browser


def test_the_progress_page_refreshes_itself_without_javascript(browser, live_server, world):
    job = Job(
        kind="batch_print", title="批量打印：新店镇（A4 纵向）", params={},
        user_id=world.clerk_a.id, region_id=world.township_a.id,
        status=JobStatus.RUNNING, done=3, total=12,
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, world.clerk_a.username)
        page.goto(f"{live_server}/staff/jobs/{job.id}")
        expect(page.locator("#job-progress")).to_have_attribute("value", "3")
        expect(page.locator("#job-status")).to_have_text("进行中")
        # The worker gets further, then finishes; the open page follows by itself.
        job.done = 9
        db.session.commit()
        expect(page.locator("#job-progress")).to_have_attribute("value", "9", timeout=10_000)
        job.status, job.done = JobStatus.DONE, 12
        job.result_name, job.result_mimetype, job.result = "b.pdf", "application/pdf", b"%PDF"
        db.session.commit()
        expect(page.locator("#job-status")).to_have_text("已完成", timeout=10_000)
        expect(page.get_by_role("link", name="下载 b.pdf")).to_be_visible()
    finally:
        context.close()
