"""What a new standard does to every case it affects: the preview, and its confirmation,
which changes every amount at once (one transaction, one audit entry per case, one new
roster version per village)."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import ROSTER_STATUSES, Case, Program
from noticeboard.cases.services import change_amounts
from noticeboard.cases.standards import (
    CARE_OF_SELF_CARE,
    DIBAO_STANDARD_OF_AREA,
    SUPPLEMENT_OF_CATEGORY,
    AssistanceStandard,
    dibao_check,
    standards_in_force,
    tekun_standards,
)
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region
from noticeboard.standards.services import audit_standard, get_standard

DIBAO_KINDS = frozenset(DIBAO_STANDARD_OF_AREA.values()) | frozenset(
    SUPPLEMENT_OF_CATEGORY.values()
)
# Rows read per statement when the changed cases are loaded (bound-parameter limits).
CHUNK = 2000


@dataclass(frozen=True)
class Line:
    """One affected case: its amounts before and after (低保: the household's amount; 特困:
    basic + care) and the new values of its amount columns."""

    case_id: int
    reference: str
    village_id: int
    village: str
    before: Decimal
    after: Decimal
    amounts: dict

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Manual:
    """An affected case the rule cannot re-calculate: listed for a person to look at."""

    case_id: int
    reference: str
    village: str
    reason: str


@dataclass
class VillageTotal:
    village: str
    cases: int = 0
    before: Decimal = Decimal(0)
    after: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class Preview:
    standard: AssistanceStandard
    previous: Decimal | None
    lines: list[Line] = field(default_factory=list)
    manual: list[Manual] = field(default_factory=list)
    unchanged: int = 0

    @property
    def villages(self) -> list[VillageTotal]:
        totals: dict[int, VillageTotal] = {}
        for line in self.lines:
            total = totals.setdefault(line.village_id, VillageTotal(line.village))
            total.cases += 1
            total.before += line.before
            total.after += line.after
        return list(totals.values())  # in the lines' order: the region tree's

    @property
    def before(self) -> Decimal:
        return sum((line.before for line in self.lines), Decimal(0))

    @property
    def after(self) -> Decimal:
        return sum((line.after for line in self.lines), Decimal(0))


# The columns a preview reads per case: no ORM objects, so 30,000 cases take a second.
# Villages are named with their township: every township may have its own 东风村.
_TOWNSHIP = aliased(Region)
_COLUMNS = (
    Case.id,
    Case.program,
    Case.village_id,
    _TOWNSHIP.name + Region.name,
    Case.dibao_area,
    Case.dibao_category,
    Case.persons_covered,
    Case.income_per_person,
    Case.monthly_amount,
    Case.self_care,
    Case.basic_amount,
    Case.care_amount,
    Case.amount_override_reason,
)


def _affected(standard: AssistanceStandard):
    county = db.session.get(Region, standard.county_id)
    query = (
        select(*_COLUMNS)
        .join(Region, Region.id == Case.village_id)
        .join(_TOWNSHIP, _TOWNSHIP.id == Region.parent_id)
        .where(Region.path.startswith(county.path, autoescape=True))
        .where(Case.status.in_(ROSTER_STATUSES))
        .order_by(Region.path, Case.id)
    )
    kind = standard.kind
    if kind in DIBAO_KINDS:
        query = query.where(Case.program == Program.DIBAO)
        areas = [a for a, k in DIBAO_STANDARD_OF_AREA.items() if k == kind]
        categories = [c for c, k in SUPPLEMENT_OF_CATEGORY.items() if k == kind]
        if areas:
            query = query.where(Case.dibao_area.in_(areas))
        if categories:
            query = query.where(Case.dibao_category.in_(categories))
    else:
        query = query.where(Case.program == Program.TEKUN)
        levels = [level for level, k in CARE_OF_SELF_CARE.items() if k == kind]
        if levels:
            query = query.where(Case.self_care.in_(levels))
    return db.session.execute(query)


def preview(user, standard_id: int) -> Preview:
    """Every affected case on a roster of the county with its old and new amount; cases
    without a recorded income (低保) or with an override reason (特困) for a manual look."""
    standard = get_standard(user, standard_id)
    in_force = standards_in_force(standard.county_id, standard.start_month)
    result = Preview(standard, in_force.get(standard.kind))
    in_force[standard.kind] = standard.amount
    for row in _affected(standard):
        (case_id, program, village_id, village, area, category, persons) = row[:7]
        (income, monthly, self_care, basic, care, override) = row[7:]
        reference = f"{Program(program).label}-{case_id:06d}"
        if program == Program.DIBAO:
            if income is None:
                result.manual.append(Manual(case_id, reference, village, "未记录家庭月人均收入"))
                continue
            check = dibao_check(in_force, area, category, persons, income)
            if check is None:
                reason = "本县未设该户城乡类别的低保标准"
                result.manual.append(Manual(case_id, reference, village, reason))
                continue
            if check.expected == 0:
                reason = "人均收入已达到新标准，请核查是否仍符合条件"
                result.manual.append(Manual(case_id, reference, village, reason))
                continue
            before, after = monthly, check.expected
            amounts = {"monthly_amount": after}
        else:
            if override:
                reason = f"已记录金额调整原因：{override}"
                result.manual.append(Manual(case_id, reference, village, reason))
                continue
            standards = tekun_standards(in_force, self_care)
            if standards is None:
                reason = "本县未设该自理能力的照料护理标准"
                result.manual.append(Manual(case_id, reference, village, reason))
                continue
            before, after = basic + care, standards[0] + standards[1]
            amounts = {"basic_amount": standards[0], "care_amount": standards[1]}
        if after == before:
            result.unchanged += 1
            continue
        line = Line(case_id, reference, village_id, village, before, after, amounts)
        result.lines.append(line)
    return result


def confirm(user, standard_id: int) -> Preview:
    """The standard comes into force and every previewed amount changes, all in one commit;
    a second confirmation (another tab, a double click) is refused."""
    standard = get_standard(user, standard_id)
    require(user, Action.CONFIRM_STANDARD, standard)
    if standard.is_confirmed:
        raise DomainError(f"该标准已于 {standard.confirmed_at:%Y-%m-%d} 确认，不能重复确认")
    # The guarded UPDATE makes two simultaneous confirmations end with exactly one.
    claimed = db.session.execute(
        update(AssistanceStandard)
        .where(AssistanceStandard.id == standard.id, AssistanceStandard.confirmed_at.is_(None))
        .values(confirmed_at=utcnow(), confirmed_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise DomainError("该标准已由他人确认，不能重复确认")
    db.session.refresh(standard)
    result = preview(user, standard_id)
    by_id = {line.case_id: line for line in result.lines}
    ids = list(by_id)
    cases: list[Case] = []
    for start in range(0, len(ids), CHUNK):
        cases += db.session.scalars(select(Case).where(Case.id.in_(ids[start : start + CHUNK])))
    note = f"保障标准调整：{standard.label}"
    try:
        change_amounts(user, [(c, by_id[c.id].amounts) for c in cases], note)
    except StaleDataError:
        raise DomainError(
            "确认期间有案件被他人修改，未作任何调整；请重新打开预览后再确认"
        ) from None
    audit_standard(
        AuditAction.CONFIRM,
        standard,
        user,
        note=f"调整 {len(cases)} 件，待人工核查 {len(result.manual)} 件",
    )
    db.session.commit()
    return result
