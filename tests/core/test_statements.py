"""Plain statements on the session's connection (core/statements.py) see what the session
has pending, as a query through the session would."""

from decimal import Decimal

from noticeboard.cases.models import DEFAULT_CEILINGS, Program, ProgramLimit
from noticeboard.cases.validation import ceiling
from noticeboard.extensions import db


def test_a_ceiling_set_in_the_same_transaction_is_the_one_read(app):
    db.session.add(ProgramLimit(program=Program.DIBAO, ceiling=Decimal("1234.00")))
    assert ceiling(Program.DIBAO) == Decimal("1234.00")  # written first, then read
    assert not db.session.new


def test_nothing_is_written_first_where_the_session_holds_its_changes_back(app):
    with db.session.no_autoflush:
        db.session.add(ProgramLimit(program=Program.DIBAO, ceiling=Decimal("1234.00")))
        assert ceiling(Program.DIBAO) == DEFAULT_CEILINGS[Program.DIBAO]
        assert db.session.new  # still pending, as the caller asked
    db.session.rollback()
