"""What cases tell the areas above them (notices) without importing them.

Notices subscribe: a change to an approved or active case publishes a new roster version in
the same transaction, and only notices know whether a case is listed on a notice.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from blinker import Namespace

_signals = Namespace()

# sender: the case, after an edit or a termination was applied (before the commit);
# keyword arguments: user, change ("changed", "terminated", or "reinvestigated": back to
# 复查中 for a new 7-day notice, off the roster until approved again).
case_changed = _signals.signal("case-changed")

# sender: the list of cases changed together (a re-calculation after a new standard), after
# each one's own case_changed went out; keyword arguments: user, change. Receivers that act
# once per village (the roster) act here, and skip the single signals while in_batch().
cases_changed = _signals.signal("cases-changed")

_batch: ContextVar[bool] = ContextVar("case_batch", default=False)


@contextmanager
def batch_of_changes() -> Iterator[None]:
    token = _batch.set(True)
    try:
        yield
    finally:
        _batch.reset(token)


def in_batch() -> bool:
    """True while many cases change together and cases_changed will follow."""
    return _batch.get()


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
