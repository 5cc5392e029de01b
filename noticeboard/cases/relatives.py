"""近亲属备案 and the county's 入户核查: registering that an applicant or a member is a near
relative of social-assistance staff or of a village/community committee member, and the
home visit such a case needs before anyone decides it (《最低生活保障审核确认办法》Art. 11, 20).
"""

from sqlalchemy import ColumnElement, exists, select

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import (
    NEAR_RELATIONS,
    Case,
    CaseStatus,
    HomeVisit,
    NearRelative,
    NearRelativePost,
)
from noticeboard.cases.services import audit_case, get_case
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import FieldError, clean_date, clean_name, clean_reason
from noticeboard.extensions import db

HOME_VISIT_NEEDED = "近亲属备案案件，须县级民政部门入户核查并登记核查情况后方可审核确认"
# A registration changes who must visit before a decision, so it is made while the case is
# still being prepared or investigated; a decided case is past it.
OPEN_FOR_REGISTRATION = (CaseStatus.DRAFT, CaseStatus.IN_NOTICE, CaseStatus.INVESTIGATING)


def household_names(case: Case) -> list[str]:
    """Who in the household can be registered: the applicant, then the members."""
    return [case.applicant_name, *(m.name for m in case.members)]


def register_near_relative(user, case_id: int, data: dict) -> NearRelative:
    """近亲属备案 on a case of the user's scope, audited; every field is checked and named."""
    require(user, Action.EDIT_CASES)
    case = get_case(user, case_id)
    if case.status not in OPEN_FOR_REGISTRATION:
        raise DomainError(f"{case.reference} {case.status.label}，不能再登记近亲属备案")
    errors: dict[str, list[str]] = {}
    person = (data.get("person_name") or "").strip()
    if person not in household_names(case):
        errors["person_name"] = ["申请人或家庭成员：请从本案件的申请人和家庭成员中选择"]
    try:
        staff_name = clean_name(data.get("staff_name"), "工作人员或村（居）委会成员姓名")
    except FieldError as error:
        errors["staff_name"] = [str(error)]
    post = data.get("post")
    if post not in set(NearRelativePost):
        errors["post"] = ["身份：请选择社会救助经办人员或村（居）民委员会成员"]
    try:
        workplace = clean_reason(
            data.get("workplace"), "workplace", "单位及职务", "请写明，如 东风村村委会委员", 2, 60
        )
    except ValidationFailed as error:
        errors |= error.errors
    if data.get("relation") not in NEAR_RELATIONS:
        errors["relation"] = ["亲属关系：请从列表中选择（配偶、父母、子女等近亲属）"]
    if errors:
        raise ValidationFailed(errors)
    row = NearRelative(
        case=case,
        person_name=person,
        staff_name=staff_name,
        post=NearRelativePost(post),
        workplace=workplace,
        relation=data["relation"],
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    after = {
        "person_name": person,
        "staff_name": staff_name,
        "post": row.post.label,
        "workplace": workplace,
        "relation": row.relation,
    }
    audit_case(AuditAction.CREATE, case, user, after=after, note="近亲属备案")
    db.session.commit()
    return row


def record_home_visit(user, case_id: int, data: dict) -> HomeVisit:
    """The county's 入户核查 of a registered case: date, who visited, what they found."""
    require(user, Action.RECORD_HOME_VISIT)
    case = get_case(user, case_id)
    if not case.near_relatives:
        raise DomainError(f"{case.reference} 没有近亲属备案，无须登记入户核查")
    errors: dict[str, list[str]] = {}
    try:
        visited_on = clean_date(data.get("visited_on"), "入户核查日期", latest=local_today())
        if visited_on is None:
            errors["visited_on"] = ["入户核查日期：请填写核查的日期，如 2026-11-05"]
    except FieldError as error:
        errors["visited_on"] = [str(error)]
    texts = {}
    for field, label, hint, longest in (
        ("visitors", "核查人员", "请写明入户核查的人员姓名", 100),
        ("finding", "核查情况", "请写明核查所见的家庭经济状况和结论", 500),
    ):
        try:
            texts[field] = clean_reason(data.get(field), field, label, hint, 2, longest)
        except ValidationFailed as error:
            errors |= error.errors
    if errors:
        raise ValidationFailed(errors)
    visit = HomeVisit(
        case=case,
        visited_on=visited_on,
        visitors=texts["visitors"],
        finding=texts["finding"],
        created_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    after = {"visited_on": str(visited_on), "visitors": visit.visitors, "finding": visit.finding}
    audit_case(AuditAction.CREATE, case, user, after=after, note="入户核查")
    db.session.commit()
    return visit


def _not_visited() -> ColumnElement[bool]:
    return ~exists().where(HomeVisit.case_id == NearRelative.case_id)


def waiting_for_home_visit(case_ids) -> set[int]:
    """Of `case_ids` (a list or a subquery), those registered and not yet visited: one query."""
    return set(
        db.session.scalars(
            select(NearRelative.case_id).where(NearRelative.case_id.in_(case_ids), _not_visited())
        )
    )


def waiting_for_home_visit_clause(case_id) -> ColumnElement[bool]:
    """WHERE clause: the case `case_id` (a column) is registered and not yet visited, for
    counts that weigh thousands of cases in the database."""
    return exists().where(NearRelative.case_id == case_id, _not_visited())


def registered_cases(case_ids) -> set[int]:
    """Of `case_ids`, those with a near-relative registration: one query."""
    return set(
        db.session.scalars(
            select(NearRelative.case_id).where(NearRelative.case_id.in_(case_ids)).distinct()
        )
    )
