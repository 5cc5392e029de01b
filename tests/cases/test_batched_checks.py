"""The checks an import makes for a whole file at once agree with the ones a form makes."""

from datetime import date

import pytest
import time_machine

from noticeboard.cases.models import CaseStatus, Program
from noticeboard.cases.validation import clean_benefit_start, clean_case, holders_of
from noticeboard.core.errors import DomainError
from noticeboard.core.validation import FieldError
from noticeboard.extensions import db
from tests.factories import resident_id


def _outcome(call) -> str:
    try:
        call()
    except DomainError as error:
        return error.message
    return "ok"


def test_holders_of_gives_clean_case_the_same_answer_as_its_own_query(world, factory):
    open_dibao = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    open_tekun = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
    ended = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    ended.status = CaseStatus.TERMINATED
    db.session.commit()
    people = [
        open_dibao.applicant_id_number,
        open_dibao.members[0].id_number,
        open_tekun.applicant_id_number,
        ended.applicant_id_number,
        resident_id("19900101"),
    ]
    holders = holders_of(people)
    answers = []
    for person in people:
        data = factory.dibao_data(world.village_a, applicant_id_number=person)
        alone = _outcome(lambda data=data: clean_case(world.clerk_a, Program.DIBAO, data))
        batched = _outcome(
            lambda data=data: clean_case(world.clerk_a, Program.DIBAO, data, holders=holders)
        )
        assert alone == batched
        answers.append(alone)
    assert [a == "ok" for a in answers] == [False, False, False, True, True]
    assert open_tekun.reference in answers[2]


@time_machine.travel(date(2026, 11, 26))
def test_a_benefit_start_is_a_month_that_has_begun():
    assert clean_benefit_start("2026-11") == date(2026, 11, 1)
    with pytest.raises(FieldError, match="享受起始年月：2026-12 还没有到"):
        clean_benefit_start("2026-12")
    with pytest.raises(FieldError, match="享受起始年月：请填写"):
        clean_benefit_start("")
