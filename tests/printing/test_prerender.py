"""Each published notice's board copy is rendered by the job worker once it is committed, so a
batch print of a county only merges stored PDFs (tests run jobs at once: huey immediate mode)."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.notices import pre_approval, snapshots
from noticeboard.printing import prerender
from noticeboard.printing import services as printing
from noticeboard.printing.models import RenderedPdf
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.services import create_region
from tests.printing.test_notice_pdfs import publish


@pytest.fixture
def prerendering(app):
    app.config["PRERENDER_PDFS"] = True
    yield
    app.config["PRERENDER_PDFS"] = False


def stored_pdfs() -> dict[int, RenderedPdf]:
    return {p.notice_id: p for p in db.session.scalars(select(RenderedPdf))}


def test_a_published_notice_has_its_board_copy_stored_and_the_batch_print_renders_nothing(
    world, factory, prerendering
):
    first = publish(world, factory, world.village_a, applicant_name="张三丰")
    second = publish(world, factory, world.village_a2, program=Program.TEKUN)
    stored = stored_pdfs()
    assert set(stored) == {first.id, second.id}
    pdf = stored[first.id]
    assert (pdf.channel, pdf.paper) == (Channel.BOARD, "A4-portrait")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "张三丰" in text  # the board copy: full names, as posted in the village

    steps = []
    result = printing.batch_print(
        world.clerk_a, world.township_a.id, "A4-portrait", "merged", progress=_steps(steps)
    )
    assert (result.notices, result.rendered) == (2, 0)
    assert len(PdfReader(io.BytesIO(result.data)).pages) == 2
    assert steps == [(1, 2), (2, 2)]  # the progress bar moves while the bundle is made
    # another paper was never rendered in advance: the batch print renders it then
    steps.clear()
    other = printing.batch_print(
        world.clerk_a, world.township_a.id, "A3-portrait", "zip", progress=_steps(steps)
    )
    assert (other.notices, other.rendered) == (2, 2)
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]  # two renders, then two files zipped


def _steps(seen: list):
    return lambda done, total: seen.append((done, total))


def test_nothing_is_rendered_for_a_publication_that_was_rolled_back(world, factory, prerendering):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    snapshots.freeze(draft, [case], world.reviewer_a)
    db.session.rollback()
    create_region("西山村", RegionLevel.VILLAGE, world.township_a)  # a later, unrelated commit
    assert stored_pdfs() == {}


def test_a_notice_superseded_before_its_turn_is_not_rendered(world, factory):
    old = publish(world, factory, world.village_a)
    correction = pre_approval.prepare_correction(world.clerk_a, old.id, "金额录入有误")
    new = pre_approval.publish_notice(world.reviewer_a, correction.id)
    prerender.prerender_pdf(old.id)  # queued when each was published
    prerender.prerender_pdf(new.id)
    assert set(stored_pdfs()) == {new.id}


def test_flask_notices_prerender_renders_what_a_region_lacks(app, world, factory):
    publish(world, factory, world.village_a)
    publish(world, factory, world.village_b)
    runner = app.test_cli_runner()
    township = runner.invoke(args=["notices", "prerender", "--region", "示范县/新店镇"])
    assert township.exit_code == 0, township.output
    assert "1 notice(s) in force, 1 PDF(s) rendered" in township.output
    county = runner.invoke(args=["notices", "prerender", "--region", "示范县"])
    assert "2 notice(s) in force, 1 PDF(s) rendered" in county.output
    unknown = runner.invoke(args=["notices", "prerender", "--region", "示范县/无此镇"])
    assert unknown.exit_code != 0 and "区划“示范县/无此镇”不存在" in unknown.output
