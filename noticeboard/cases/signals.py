"""What cases tell the areas above them (notices) without importing them.

Notices subscribe: a change to an approved or active case publishes a new roster version in
the same transaction, and only notices know whether a case is listed on a notice.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the case, after an edit or a termination was applied (before the commit);
# keyword arguments: user, change ("changed" or "terminated").
case_changed = _signals.signal("case-changed")

# sender: the case; keyword argument drafts_only. Receivers answer True when the case is
# listed on a notice (on a draft only, with drafts_only).
case_listed = _signals.signal("case-listed")

# sender: the case, after its status changed (set_case_status; approval sets benefit_start
# first), before the commit; keyword argument: user. Statistics keep the benefit history.
case_status_changed = _signals.signal("case-status-changed")

# sender: a tuple of cases entered together with a status and benefit start of their own
# (an import of 在保对象), flushed, before the commit.
cases_added = _signals.signal("cases-added")


def is_listed_on_a_notice(case, drafts_only: bool = False) -> bool:
    return any(listed for _, listed in case_listed.send(case, drafts_only=drafts_only))
