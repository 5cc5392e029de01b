"""No resident ID, phone or search term reaches a log line."""

import logging

from sqlalchemy.exc import IntegrityError

from noticeboard.cases.models import Case, Program
from noticeboard.extensions import db
from tests.factories import resident_id


def test_request_line_with_a_search_for_an_id_is_redacted(app, caplog):
    value = resident_id()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /staff/?q=%s HTTP/1.1" 200 -', value)
    assert value not in caplog.text
    assert "q=[已隐去]" in caplog.text


def test_ids_and_phones_in_app_errors_are_redacted(app, caplog):
    value = resident_id()
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        try:
            raise ValueError(f"bad row {value} 13800138000 0591-87654321")
        except ValueError:
            app.logger.exception("saving failed")
    assert value not in caplog.text and "13800138000" not in caplog.text
    assert "0591-87654321" not in caplog.text and "[身份证号已隐去]" in caplog.text


def test_database_errors_are_logged_without_the_rows_values(app, world, factory, caplog):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    duplicate = Case(
        program=Program.DIBAO,
        village_id=world.village_a.id,
        version=1,
        applicant_name="王五",
        applicant_id_number=case.applicant_id_number,
        dibao_area="rural",
        persons_covered=0,
        monthly_amount=1,
    )
    db.session.add(duplicate)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        try:
            db.session.commit()  # violates the persons_covered >= 1 check
        except IntegrityError:
            app.logger.exception("saving failed")
    db.session.rollback()
    assert "IntegrityError" in caplog.text
    assert case.applicant_id_number not in caplog.text and "王五" not in caplog.text
