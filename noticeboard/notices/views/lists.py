"""Long-term rosters of a village, and publishing a 临时救助 list."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from noticeboard.cases.models import NOTICE_PROGRAMS, Program
from noticeboard.cases.search import villages_for
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import BLANK, show_errors
from noticeboard.core.pages import page_of_query
from noticeboard.core.permissions import Action, requires
from noticeboard.core.validation import parse_id
from noticeboard.notices import queries
from noticeboard.notices.forms import NOTICE_PROGRAM_CHOICES, LinshiListForm
from noticeboard.notices.linshi_lists import publish_linshi_list
from noticeboard.notices.rosters import current_roster, roster_versions
from noticeboard.notices.state import notice_state
from noticeboard.notices.views import bp
from noticeboard.regions.models import RegionLevel


@bp.route("/rosters")
def rosters():
    villages = villages_for(current_user)
    village_id = parse_id(request.args.get("village"))
    village = next((v for v in villages if v.id == village_id), None)
    if village_id is not None and village is None:
        abort(404)
    program = request.args.get("program")
    program = Program(program) if program in set(NOTICE_PROGRAMS) else Program.DIBAO
    versions = (
        page_of_query(roster_versions(village, program), parse_id(request.args.get("page")))
        if village
        else None
    )
    return render_template(
        "notices/rosters.html",
        villages=villages,
        village=village,
        program=program,
        programs=NOTICE_PROGRAM_CHOICES,
        versions=versions,
        rows=queries.row_counts(versions.items) if versions else {},
        current=current_roster(village, program) if village else None,
        state_of=notice_state,
    )


def _last_month(today) -> str:
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


@bp.route("/linshi-lists/new", methods=["GET", "POST"])
@requires(Action.PUBLISH_LINSHI_LIST)
def new_linshi_list():
    form = LinshiListForm()
    scopes = queries.linshi_scopes(current_user)
    form.region_id.choices = [BLANK] + [
        (str(r.id), r.name if r.level == RegionLevel.VILLAGE else f"{r.name}（全乡镇/街道）")
        for r in scopes
    ]
    townships = [r for r in scopes if r.level == RegionLevel.TOWNSHIP]
    if request.method == "GET":
        form.month.data = _last_month(local_today())
        if len(townships) == 1:
            form.region_id.data = str(townships[0].id)
    if form.validate_on_submit():
        try:
            notice = publish_linshi_list(
                current_user, form.region_id.data, form.month.data, form.reason.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(
                f"已发布临时救助公示（{len(notice.entries)} 人次），核验码 "
                f"{notice.verification_code}",
                "success",
            )
            return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_template("notices/linshi_new.html", form=form)
