"""Who may do what: the one place that compares roles.

Services call `require` (a refusal raises Forbidden with the reason), views use the
`requires` decorator or `can`, templates the `can` global; all of them end here, through
User.refusal. Scope (which township's records a user reaches at all) is the other half of
access control and lives in regions.scope: a record outside the scope answers 404 before any
action is considered.
"""

from noticeboard.accounts.roles import Role
from noticeboard.core.permissions import Action
from noticeboard.regions.delegation import confirmer_of, confirmers, county_id_of, linshi_rule
from noticeboard.regions.models import Confirmer

ALL_STAFF = frozenset(Role)
ROLES: dict[Action, frozenset[Role]] = {
    Action.EDIT_CASES: frozenset({Role.CLERK, Role.ADMIN}),
    Action.PREPARE_NOTICE: frozenset({Role.CLERK, Role.ADMIN}),
    Action.PUBLISH_NOTICE: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.WITHDRAW_NOTICE: frozenset({Role.REVIEWER, Role.COUNTY, Role.ADMIN}),
    Action.PUBLISH_LINSHI_LIST: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.DECIDE_CASE: frozenset({Role.COUNTY, Role.ADMIN}),
    Action.TERMINATE_CASE: frozenset({Role.CLERK, Role.COUNTY, Role.ADMIN}),
    Action.RECORD_OBJECTION: ALL_STAFF,
    Action.RESOLVE_OBJECTION: ALL_STAFF,
    Action.CONFIRM_CASE_CHANGE: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.CONFIRM_IMPORT: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.READ_AUDIT_LOG: frozenset({Role.COUNTY, Role.ADMIN}),
    # Each role's decisions may need the full ID (the clerk's entry, the reviewer's check
    # against the documents, the county's approval); each reveal is logged (audit/access.py).
    Action.REVEAL_PERSONAL_DATA: ALL_STAFF,
    Action.SET_APPROVAL_RULES: frozenset({Role.COUNTY, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.SET_STANDARDS: frozenset({Role.COUNTY, Role.ADMIN}),
    Action.CONFIRM_STANDARD: frozenset({Role.COUNTY, Role.ADMIN}),
    Action.RECORD_REVIEW: frozenset({Role.CLERK, Role.ADMIN}),
    Action.RECORD_REFUSAL_LETTER: frozenset({Role.CLERK, Role.REVIEWER, Role.ADMIN}),
    # The county visits, even where it delegates the decision to the township
    # (《最低生活保障审核确认办法》Art. 20): the visit checks the township's own people.
    Action.RECORD_HOME_VISIT: frozenset({Role.COUNTY, Role.ADMIN}),
    # 先行救助 is paid by the township, which then approves it after the fact.
    Action.COMPLETE_PAPERWORK: frozenset({Role.REVIEWER, Role.ADMIN}),
    # Above the township's limit a 临时救助 is approved by the county (民发〔2018〕23号).
    Action.APPROVE_LINSHI: frozenset({Role.COUNTY, Role.ADMIN}),
}
REFUSALS: dict[Action, str] = {
    Action.EDIT_CASES: "只有乡镇经办人可以录入或修改案件",
    Action.PREPARE_NOTICE: "只有乡镇经办人可以拟定公示",
    Action.PUBLISH_NOTICE: "只有乡镇审核人可以发布公示",
    Action.WITHDRAW_NOTICE: "只有审核人或县级民政可以撤回公示",
    Action.PUBLISH_LINSHI_LIST: "只有乡镇审核人可以发布临时救助公示",
    Action.DECIDE_CASE: "只有县级民政部门可以审核确认",
    Action.TERMINATE_CASE: "没有终止案件的权限",
    Action.RECORD_OBJECTION: "没有登记异议的权限",
    Action.RESOLVE_OBJECTION: "没有办理异议的权限",
    Action.CONFIRM_CASE_CHANGE: "只有乡镇审核人可以确认案件变更",
    Action.CONFIRM_IMPORT: "只有乡镇审核人可以确认导入在保对象",
    Action.READ_AUDIT_LOG: "只有县级民政和管理员可以查看操作日志",
    Action.REVEAL_PERSONAL_DATA: "没有查看完整个人信息的权限",
    Action.SET_APPROVAL_RULES: "只有县级民政部门和管理员可以设置审核确认权限",
    Action.ADMINISTER: "只有系统管理员可以进行此项设置",
    Action.SET_STANDARDS: "只有县级民政可以设置保障标准",
    Action.CONFIRM_STANDARD: "只有县级民政可以确认保障标准调整",
    Action.RECORD_REVIEW: "只有乡镇经办人可以登记定期核查",
    Action.RECORD_REFUSAL_LETTER: "不予确认的书面告知由乡镇（街道）工作人员登记",
    Action.RECORD_HOME_VISIT: "入户核查由县级民政部门登记",
    Action.COMPLETE_PAPERWORK: "只有乡镇审核人可以确认先行救助补办手续",
    Action.APPROVE_LINSHI: "超过乡镇审批限额的临时救助由县级民政部门审批",
}
# Maker/checker: whoever made a thing is not the one who lets it through.
MAKER_CHECKED = {
    Action.PUBLISH_NOTICE: "审核与经办不能是同一人：请由另一位审核人发布您拟定或录入的公示",
    Action.RESOLVE_OBJECTION: "异议须由案件经办人以外的人员办理：请交由另一位工作人员调查处理",
    Action.CONFIRM_CASE_CHANGE: "审核与经办不能是同一人：请由另一位审核人确认您提交的变更",
    Action.CONFIRM_IMPORT: "审核与经办不能是同一人：请由另一位审核人确认您上传的名单",
    Action.CONFIRM_STANDARD: "录入与确认不能是同一人：请由另一位县级民政工作人员确认您录入的标准",
    Action.COMPLETE_PAPERWORK: "审核与经办不能是同一人：请由另一位审核人确认您录入的先行救助",
    Action.APPROVE_LINSHI: "审批与经办不能是同一人：请由录入本案件以外的县级民政工作人员审批",
}


# Who confirms (审核确认) under each choice of the county (regions/delegation.py).
DECIDERS = {
    Confirmer.COUNTY: frozenset({Role.COUNTY, Role.ADMIN}),
    Confirmer.TOWNSHIP: frozenset({Role.REVIEWER, Role.ADMIN}),
}
DECIDER_NAMES = {Confirmer.COUNTY: "县级民政部门", Confirmer.TOWNSHIP: "乡镇审核人"}
DECIDER_IS_MAKER = "审核确认与经办不能是同一人：请由录入、公示本案件以外的审核人审核确认"


def decidable_programs(user) -> set[str]:
    """The programs whose cases `user` confirms in their county (none, for a clerk)."""
    chosen = confirmers(county_id_of(user.region))
    return {program for program, by in chosen.items() if user.role in DECIDERS[by]}


def _decide_refusal(user, case) -> str | None:
    if case is None:  # the approvals page: whoever confirms any program here
        if user.role in DECIDERS[Confirmer.COUNTY] or decidable_programs(user):
            return None
        return REFUSALS[Action.DECIDE_CASE]
    by = confirmer_of(case.village, case.program)
    if user.role not in DECIDERS[by]:
        return f"本县{case.program.label}由{DECIDER_NAMES[by]}审核确认"
    # Delegated to the township, the check is next to the making: never by who entered it.
    # (Who published its notice is refused by notices/approval.py, which knows notices.)
    if by == Confirmer.TOWNSHIP and user.id == case.created_by_id:
        return DECIDER_IS_MAKER
    return None


# How a 临时救助 is approved, by whom its amount sent it to when it was entered
# (cases.services.route_linshi records the county in decided_under): the county approves it
# (县级审批); else the township's entry is the approval, and its reviewer confirms a
# 先行救助's paperwork afterwards.
LINSHI_APPROVAL = {
    Confirmer.COUNTY: Action.APPROVE_LINSHI,
    Confirmer.TOWNSHIP: Action.COMPLETE_PAPERWORK,
}


def _linshi_refusal(user, action: Action, case) -> str | None:
    by = Confirmer.COUNTY if case.decided_under == Confirmer.COUNTY else Confirmer.TOWNSHIP
    if action != LINSHI_APPROVAL[by]:
        return linshi_rule(county_id_of(case.village), by)
    if user.role not in ROLES[action]:
        if by == Confirmer.COUNTY:
            return linshi_rule(county_id_of(case.village), by)
        return REFUSALS[action]
    if user.id in case.makers:
        return MAKER_CHECKED[action]
    return None


def role_refusal(user, action: Action, obj=None) -> str | None:
    """Why `user` (logged in) may not do `action` (on `obj`), or None when they may."""
    if action == Action.DECIDE_CASE:
        return _decide_refusal(user, obj)
    if action in LINSHI_APPROVAL.values() and obj is not None:
        return _linshi_refusal(user, action, obj)
    # A clerk may throw away a draft of their own; taking down a published notice is the
    # reviewer's or the county's decision.
    if action == Action.WITHDRAW_NOTICE and obj is not None:
        own_draft = obj.is_draft and obj.prepared_by_id == user.id
        if own_draft:
            return None
    if user.role not in ROLES[action]:
        return REFUSALS[action]
    if action in MAKER_CHECKED and obj is not None and user.id in obj.makers:
        return MAKER_CHECKED[action]
    return None
