"""Reads started alongside a page's own (core/alongside.py) run in another thread with a
session of their own, and hand back their result or their error."""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from noticeboard.cases.models import Program, ProgramLimit
from noticeboard.core.alongside import alongside
from noticeboard.extensions import db


def _ceilings_and_session():
    ceilings = dict(db.session.execute(select(ProgramLimit.program, ProgramLimit.ceiling)).all())
    return ceilings, id(db.session()), threading.get_ident()


def test_a_read_alongside_sees_what_is_committed_in_a_session_of_its_own(app):
    db.session.add(ProgramLimit(program=Program.DIBAO, ceiling=Decimal("1234.00")))
    db.session.commit()
    db.session.add(ProgramLimit(program=Program.TEKUN, ceiling=Decimal("99.00")))  # pending
    ceilings, session, thread = alongside(_ceilings_and_session)()
    assert ceilings == {Program.DIBAO: Decimal("1234.00")}  # not what is still pending here
    assert session != id(db.session()) and thread != threading.get_ident()
    db.session.rollback()


def test_the_error_of_a_read_alongside_is_raised_where_its_result_is_asked_for(app):
    def fails():
        raise LookupError("未找到")

    result = alongside(fails)
    with pytest.raises(LookupError, match="未找到"):
        result()


def test_a_read_alongside_that_starts_another_runs_it_in_its_own_thread(app):
    def inner():
        return threading.get_ident()

    def outer():
        return threading.get_ident(), alongside(inner)()

    outer_thread, inner_thread = alongside(outer)()
    assert outer_thread == inner_thread != threading.get_ident()
