"""PDFs of published notices: both channels, rendered once, served from storage, batch print."""

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases.models import Program
from noticeboard.core.errors import DomainError
from noticeboard.extensions import db
from noticeboard.notices import pre_approval
from noticeboard.notices.models import Notice
from noticeboard.printing import services as printing
from noticeboard.printing.models import RenderedPdf
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def publish(world, factory, village=None, program=Program.DIBAO, **overrides) -> Notice:
    village = village or world.village_a
    clerk, reviewer = world.clerk_a, world.reviewer_a
    if village.id == world.village_b.id:
        clerk = world.clerk_b
        reviewer = create_user("reviewer_b", PASSWORD, Role.REVIEWER, world.township_b)
    case = factory.case(clerk, program, village, **overrides)
    draft = pre_approval.prepare_notice(clerk, village.id, program, [case.id])
    return pre_approval.publish_notice(reviewer, draft.id)


def test_board_copy_has_full_names_and_the_public_copy_masked_ones(app, world, factory):
    notice = publish(world, factory, applicant_name="张三丰")
    case = notice.entries[0].case
    with app.test_request_context():
        board = pdf_text(printing.notice_pdf(notice, "board", "A4-portrait").data)
        online = pdf_text(printing.notice_pdf(notice, "online", "A4-portrait").data)
    assert "张三丰" in board and "张*丰" in online
    for text in (board, online):
        assert notice.title in text.replace("\n", "")
        assert notice.verification_code in text
        assert "第 1 页 共 1 页" in text
        assert "1,360.00" in text or "1360.00" in text
    for secret in ("张三丰", case.applicant_id_number, case.applicant_phone, case.members[0].name):
        assert secret not in online


def test_each_pdf_is_rendered_once_and_served_from_storage(app, world, factory):
    notice = publish(world, factory)
    with app.test_request_context():
        first = printing.notice_pdf(notice, "board", "A4-landscape")
        again = printing.notice_pdf(notice, "board", "A4-landscape")
    assert again.id == first.id and again.sha256 == first.sha256
    assert first.snapshot_sha256 == notice.sha256_board
    count = db.session.scalar(select(func.count()).select_from(RenderedPdf))
    assert count == 1
    page = PdfReader(io.BytesIO(first.data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape


def test_public_pdf_download_with_etag_and_404_for_drafts(client, world, factory):
    notice = publish(world, factory)
    response = client.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "张*丰" in pdf_text(response.data)
    etag = response.headers["ETag"]
    assert (
        client.get(f"/notices/{notice.id}.pdf", headers={"If-None-Match": etag}).status_code == 304
    )
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.TEKUN, [case.id])
    assert client.get(f"/notices/{draft.id}.pdf").status_code == 404
    assert client.get(f"/notices/{notice.id}.pdf?paper=A5").status_code == 404


def test_board_pdf_is_for_staff_of_the_township_only(app, client, world, factory):
    notice = publish(world, factory)
    assert client.get(f"/staff/notices/{notice.id}/print").status_code == 302  # login first
    login(client, world.clerk_b.username)
    assert client.get(f"/staff/notices/{notice.id}/print").status_code == 404
    other = app.test_client()
    login(other, world.clerk_a.username)
    response = other.get(f"/staff/notices/{notice.id}/print?paper=A3-portrait")
    assert response.status_code == 200 and "张三丰" in pdf_text(response.data)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_character_no_font_has_is_refused_at_publishing_naming_it_and_its_row(world, factory):
    case = factory.case(
        world.clerk_a, Program.DIBAO, world.village_a, applicant_name="张\U0002b740"
    )
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    with pytest.raises(DomainError) as caught:
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    assert "\U0002b740" in caught.value.message and "U+2B740" in caught.value.message
    assert "第 1 行" in caught.value.message
    db.session.rollback()
    assert db.session.get(Notice, draft.id).status == "draft"


def _batch_file(client, data: dict):
    """Start a batch print as the page does, follow it to its job page, download its file."""
    started = client.post("/staff/print", data=data)
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    job_page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "已完成" in job_page  # tests run jobs at once (conftest: huey immediate mode)
    return client.get(started.headers["Location"] + "/result")


def test_batch_print_of_a_township_merged_and_zipped(app, world, factory):
    first = publish(world, factory, world.village_a)
    second = publish(world, factory, world.village_a2, program=Program.TEKUN)
    publish(world, factory, world.village_b)  # another township: not in the batch
    client = app.test_client()
    login(client, world.clerk_a.username)
    token = csrf_token(client, "/staff/print")
    form = {"csrf_token": token, "township_id": world.township_a.id, "paper": "A4-portrait"}
    merged = _batch_file(client, {**form, "bundle": "merged"})
    assert merged.status_code == 200 and merged.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(merged.data)).pages
    assert len(pages) == 2  # each village starts on its own page
    assert "东风村" in pages[0].extract_text() and "红星村" in pages[1].extract_text()
    zipped = _batch_file(client, {**form, "bundle": "zip"})
    names = zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    # the second batch reused the stored PDFs
    stored = db.session.scalar(select(func.count()).select_from(RenderedPdf))
    assert stored == 2
    assert {first.id, second.id} == {p.notice_id for p in db.session.scalars(select(RenderedPdf))}


def test_batch_print_of_another_township_is_refused(app, world, factory):
    publish(world, factory, world.village_b)
    client = app.test_client()
    login(client, world.clerk_a.username)
    token = csrf_token(client, "/staff/print")
    response = client.post(
        "/staff/print",
        data={"csrf_token": token, "township_id": world.township_b.id, "bundle": "merged"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "请从列表中选择本辖区的县/区或乡镇/街道" in response.get_data(as_text=True)
