"""Records to walk the routes with: one of each kind in township A, and the URL of any route
filled with their ids. Used by the permission walk and the hostile-input walk."""

from dataclasses import dataclass

import pytest
from flask import url_for

from noticeboard.cases import services
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.extensions import db
from noticeboard.jobs.models import Job, JobStatus
from noticeboard.notices import objections, pre_approval, terminations
from noticeboard.spreadsheets import imports
from noticeboard.standards.services import propose_standard
from tests.spreadsheets.conftest import csv_bytes, dibao_rows

# Routes on a draft; every other notice route is walked on a published notice.
ON_DRAFT = {"notices.publish", "notices.remove"}


@dataclass
class Sample:
    """One record of each kind in township A, for the routes' ids."""

    case_id: int
    notice_id: int
    draft_id: int
    draft_case_id: int
    objection_id: int
    region_id: int
    change_id: int
    village_id: int
    code: str
    user_id: int
    import_id: int
    job_id: int
    standard_id: int
    termination_id: int


@pytest.fixture
def sample(world, factory) -> Sample:
    listed = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft_case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    notice = pre_approval.publish_notice(
        world.reviewer_a,
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [listed.id]).id,
    )
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [draft_case.id])
    objection = objections.raise_objection(notice.id, "这户家里新盖了两层楼房，请核实。")
    # A case on the roster (its approval is another test's subject), with an edit pending.
    active = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    active.status = CaseStatus.ACTIVE
    db.session.commit()
    data = factory.tekun_data(
        world.village_a, applicant_id_number=active.applicant_id_number, basic_amount="1200.00"
    )
    services.update_case(world.clerk_a, active.id, data, active.version)
    change = services.pending_change_of(active)
    # An upload of 在保对象 by clerk_a with one bad amount: previewed, never importable.
    rows = dibao_rows(1)
    rows[0][11] = "一千"
    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "active", "名单.csv", csv_bytes(rows)
    )
    # A finished batch print of township A, its file ready to download.
    job = Job(
        kind="batch_print",
        title="批量打印：新店镇",
        params={"region_id": world.township_a.id, "paper": "A4-portrait", "bundle": "merged"},
        user_id=world.clerk_a.id,
        region_id=world.township_a.id,
        status=JobStatus.DONE,
        result_name="batch.pdf",
        result_mimetype="application/pdf",
        result=b"%PDF-1.7 sample",
    )
    db.session.add(job)
    db.session.commit()
    # A standard proposed by the administrator, waiting for the county officer's confirmation.
    standard = propose_standard(world.admin, "dibao_rural", "880.00", "2026-01")
    # The 特困 case on the roster is to end: its termination notice is a draft.
    termination = terminations.propose_termination(world.clerk_a, active.id, "本人已由子女赡养")
    return Sample(
        listed.id,
        notice.id,
        draft.id,
        draft_case.id,
        objection.id,
        world.township_a.id,
        change.id,
        world.village_a.id,
        notice.verification_code,
        world.reviewer_a.id,
        upload.id,
        job.id,
        standard.id,
        termination.id,
    )


def url_of(app, rule, sample: Sample) -> str:
    values = {
        "case_id": sample.case_id,
        "notice_id": sample.draft_id if rule.endpoint in ON_DRAFT else sample.notice_id,
        "objection_id": sample.objection_id,
        "region_id": sample.region_id,
        "change_id": sample.change_id,
        "township_id": sample.region_id,
        "village_id": sample.village_id,
        "code": sample.code,
        "user_id": sample.user_id,
        "job_id": sample.job_id,
        "standard_id": sample.standard_id,
        "termination_id": sample.termination_id,
        "program": "dibao",
        "import_id": sample.import_id,
        "fmt": "xlsx",
        "year": 2027,
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
