"""The notices dashboard and preparing a 7-day notice."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from noticeboard.cases.models import NOTICE_PROGRAMS, Program
from noticeboard.cases.search import villages_for
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.forms import show_errors
from noticeboard.core.permissions import Action, can, requires
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.notices import queries
from noticeboard.notices.forms import NOTICE_PROGRAM_CHOICES, PrepareNoticeForm
from noticeboard.notices.periods import uses_working_days
from noticeboard.notices.pre_approval import prepare_notice
from noticeboard.notices.queries import Section
from noticeboard.notices.state import notice_state
from noticeboard.notices.views import bp


@bp.route("/notices/")
def dashboard():
    board = queries.dashboard(current_user)
    return render_template(
        "notices/dashboard.html",
        board=board,
        Section=Section,
        publishable=_publishable(board.sections[Section.DRAFTS].lines),
        state_of=notice_state,
    )


@bp.route("/notices/all")
def section():
    """Every line of one dashboard section (?show=), a page at a time."""
    try:
        shown = Section(request.args.get("show", Section.IN_FORCE))
    except ValueError:
        abort(404)
    page = queries.section_page(current_user, shown, parse_id(request.args.get("page")))
    return render_template(
        "notices/section.html",
        section=shown,
        sections=list(Section),
        page=page,
        publishable=_publishable(page.items) if shown == Section.DRAFTS else set(),
    )


def _publishable(drafts) -> set[int]:
    return {d.id for d in drafts if can(current_user, Action.PUBLISH_NOTICE, d)}


@bp.route("/notices/new", methods=["GET", "POST"])
@requires(Action.PREPARE_NOTICE)
def new():
    villages = villages_for(current_user)
    source = request.form if request.method == "POST" else request.args
    village_id = parse_id(source.get("village"))
    village = next((v for v in villages if v.id == village_id), None)
    if village_id is not None and village is None:
        abort(404)
    program = source.get("program") if source.get("program") in set(NOTICE_PROGRAMS) else None
    form = PrepareNoticeForm(
        formdata=request.form if request.method == "POST" else None,
        data={"village": village_id, "program": program, "start_date": local_today().isoformat()},
    )
    # A link from a case (?case=<id>) comes with that case ticked.
    ticked = (
        request.form.getlist("case_ids")
        if request.method == "POST"
        else request.args.getlist("case")
    )
    checked = {i for i in map(parse_id, ticked) if i is not None}
    case_errors: list[str] = []
    if form.validate_on_submit() and (village is None or program is None):
        flash("村/社区和项目：请先选择，再勾选案件", "error")
    elif form.validate_on_submit():
        try:
            notice = prepare_notice(
                current_user, village.id, program, sorted(checked), form.start_date.data
            )
        except ValidationFailed as error:
            db.session.rollback()
            case_errors = error.errors.pop("case_ids", [])
            if error.errors:
                show_errors(form, error)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已拟定公示草稿（{len(notice.entries)} 户/人），请交审核人发布", "success")
            return redirect(url_for("notices.detail", notice_id=notice.id))
    candidates = (
        queries.notice_candidates(current_user, village, Program(program))
        if (village and program)
        else []
    )
    return render_template(
        "notices/new.html",
        form=form,
        villages=villages,
        village=village,
        program=program,
        programs=NOTICE_PROGRAM_CHOICES,
        candidates=candidates,
        working_days=village is not None and uses_working_days(village),
        checked=checked,
        case_errors=case_errors,
    )
