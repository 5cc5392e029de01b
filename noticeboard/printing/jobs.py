"""Batch print as a background job (jobs/): a county's or township's notices in force."""

from noticeboard.jobs.registry import JobResult, job_kind
from noticeboard.printing import services


@job_kind("batch_print")
def batch_print_job(user, params: dict, progress) -> JobResult:
    result = services.batch_print(
        user,
        params.get("region_id"),
        params.get("paper"),
        params.get("bundle", "merged"),
        progress=progress,
    )
    return JobResult(result.filename, result.mimetype, result.data)
