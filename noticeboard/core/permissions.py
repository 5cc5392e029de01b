"""Asking whether a user may do something: the plumbing every area uses.

The actions are named here; the rules (which role may do what, maker/checker) live in one
module, noticeboard.accounts.permissions, and a user object answers through its
`refusal(action, obj)` method, so lower areas (regions) can ask without importing accounts.
"""

import enum
from functools import wraps

from flask import abort
from flask_login import current_user

from noticeboard.core.errors import Forbidden


class Action(enum.StrEnum):
    EDIT_CASES = "edit_cases"  # enter, change and delete cases; change the lines of a draft
    PREPARE_NOTICE = "prepare_notice"  # draft a 7-day notice or a correction (更正)
    PUBLISH_NOTICE = "publish_notice"  # object: the notice (its makers may not publish it)
    WITHDRAW_NOTICE = "withdraw_notice"  # object: the notice (a clerk may drop an own draft)
    PUBLISH_LINSHI_LIST = "publish_linshi_list"  # 临时救助事后公示
    DECIDE_CASE = "decide_case"  # 审核确认 or 不予确认
    TERMINATE_CASE = "terminate_case"  # 停保 / 终止供养
    RECORD_OBJECTION = "record_objection"  # an objection received by phone or visit
    RESOLVE_OBJECTION = "resolve_objection"  # object: the objection (not by its case's maker)
    CONFIRM_CASE_CHANGE = "confirm_case_change"  # object: the change (not by its maker)
    CONFIRM_IMPORT = "confirm_import"  # object: an import of 在保对象 (not by its uploader)
    READ_AUDIT_LOG = "read_audit_log"  # and the access log (audit/access.py)
    REVEAL_PERSONAL_DATA = "reveal_personal_data"  # a case's full IDs, phone, address (logged)
    SET_APPROVAL_RULES = "set_approval_rules"  # who confirms: the county, or its townships
    ADMINISTER = "administer"  # regions, users, masking policy, amount ceilings
    SET_STANDARDS = "set_standards"  # enter or discard a county's 保障标准, review setting
    CONFIRM_STANDARD = "confirm_standard"  # object: the standard (not by who entered it)
    RECORD_REVIEW = "record_review"  # 定期核查 of a case
    RECORD_REFUSAL_LETTER = "record_refusal_letter"  # 不予确认书面告知, by the township
    RECORD_HOME_VISIT = "record_home_visit"  # 入户核查 of a case with 近亲属备案
    COMPLETE_PAPERWORK = "complete_paperwork"  # object: a 先行救助 (not by who entered it)
    APPROVE_LINSHI = "approve_linshi"  # object: a 临时救助 above the township's limit (县级审批)


def refusal(user, action: Action, obj=None) -> str | None:
    """Why `user` may not do `action` (on `obj`), or None when they may."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "请先登录"
    return user.refusal(action, obj)


def can(user, action: Action, obj=None) -> bool:
    return refusal(user, action, obj) is None


def require(user, action: Action, obj=None) -> None:
    """For services: raise Forbidden, with the reason, unless `user` may do `action`."""
    if (reason := refusal(user, action, obj)) is not None:
        raise Forbidden(reason)


def requires(action: Action):
    """For views: answer 403 unless the logged-in user may do `action` at all."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def template_can(action: Action | str, obj=None) -> bool:
    """`can('publish_notice', notice)` in templates, for the logged-in user."""
    return can(current_user, Action(action), obj)
