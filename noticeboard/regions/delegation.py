"""Who confirms (审核确认) each program's cases in a county: the county, or its townships;
and who approves a 临时救助: the township up to the county's limit, the county above it."""

from decimal import Decimal

from sqlalchemy import bindparam, select

from noticeboard.core import statements
from noticeboard.core.errors import NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import FieldError, clean_amount
from noticeboard.extensions import db
from noticeboard.regions.models import ApprovalDelegation, Confirmer, Region, RegionLevel
from noticeboard.regions.signals import notice_settings_changed

# The programs a county may delegate (临时救助 has no 审核确认 step here: it is paid, then
# listed after the fact). Codes of cases.models.Program, which sits above regions.
DELEGABLE = {"dibao": "最低生活保障", "tekun": "特困人员救助供养"}


def county_id_of(region: Region) -> int:
    """The county at the top of `region`'s path ("/1/4/9/" → 1), without a query."""
    return int(region.path.strip("/").split("/")[0])


def confirmers(county_id: int) -> dict[str, Confirmer]:
    """Each delegable program's confirmer in the county (the county, unless delegated)."""
    rows = db.session.scalars(
        select(ApprovalDelegation).where(ApprovalDelegation.county_id == county_id)
    )
    chosen = {row.program: row.confirmer for row in rows}
    return {program: chosen.get(program, Confirmer.COUNTY) for program in DELEGABLE}


def confirmer_of(region: Region, program: str) -> Confirmer:
    """Who confirms a case of `program` in `region` (a village); the county for 临时救助."""
    return confirmers(county_id_of(region)).get(str(program), Confirmer.COUNTY)


def county_of_user(user, county_id) -> Region:
    """The user's own county, whose settings they change; any other id answers 404."""
    county = db.session.get(Region, county_id) if isinstance(county_id, int) else None
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or county.id != county_id_of(user.region)
    ):
        raise NotFound("未找到该县/区")
    return county


def set_confirmers(user, county_id, chosen: dict[str, str]) -> dict[str, Confirmer]:
    """The county officer (or the administrator) chooses, per program; audited with the
    before and after of every program."""
    require(user, Action.SET_APPROVAL_RULES)
    county = county_of_user(user, county_id)
    errors = {
        program: [f"{label}：请选择县级审核确认或委托乡镇审核确认"]
        for program, label in DELEGABLE.items()
        if chosen.get(program) not in set(Confirmer)
    }
    if errors:
        raise ValidationFailed(errors)
    before = confirmers(county.id)
    for program in DELEGABLE:
        row = db.session.get(ApprovalDelegation, (county.id, program))
        if row is None:
            row = ApprovalDelegation(county_id=county.id, program=program)
            db.session.add(row)
        row.confirmer = Confirmer(chosen[program])
        row.updated_by_id = user.id
    after = {program: Confirmer(chosen[program]) for program in DELEGABLE}
    if after != before:
        notice_settings_changed.send(
            county,
            user=user,
            before={f"confirmer_{p}": before[p].label for p in DELEGABLE},
            after={f"confirmer_{p}": after[p].label for p in DELEGABLE},
            note="审核确认权限",
        )
    db.session.commit()
    return after


_TOWNSHIP_LIMIT = select(Region.linshi_township_limit).where(Region.id == bindparam("county_id"))


def linshi_township_limit(county_id: int) -> Decimal | None:
    """The largest 临时救助 the county's townships approve; None: every one (read for each
    临时救助 entered)."""
    return statements.execute(_TOWNSHIP_LIMIT, {"county_id": county_id}).scalar()


def linshi_confirmer(county_id: int, amount: Decimal) -> Confirmer:
    """Who approves a 临时救助 of `amount` in the county (民发〔2018〕23号): the township up
    to the county's limit, the county above it."""
    limit = linshi_township_limit(county_id)
    return Confirmer.COUNTY if limit is not None and amount > limit else Confirmer.TOWNSHIP


def linshi_rule(county_id: int, by: Confirmer) -> str:
    """The county's rule as a refusal names it. "超过" rather than "以上": in Chinese rules
    以上 includes the amount itself, which the township still approves."""
    limit = linshi_township_limit(county_id)
    if by == Confirmer.TOWNSHIP:
        if limit is None:
            return "本县临时救助由乡镇（街道）审批"
        return f"本县临时救助 {limit:,.2f} 元及以下由乡镇（街道）审批"
    if limit is None:  # routed to the county under an earlier limit, since lifted
        return "该临时救助录入时超过乡镇审批限额，由县级民政部门审批"
    return f"本县临时救助超过 {limit:,.2f} 元的由县级民政部门审批"


def limit_label(limit: Decimal | None) -> str:
    return "不设限额（乡镇审批全部临时救助）" if limit is None else f"{limit:,.2f} 元"


def set_linshi_limit(user, county_id, value) -> Decimal | None:
    """The county officer (or the administrator) sets the township's limit (empty: none);
    audited with before and after. Cases entered before keep the approval they were
    entered under."""
    require(user, Action.SET_APPROVAL_RULES)
    county = county_of_user(user, county_id)
    label = "临时救助乡镇审批限额"
    try:
        limit = clean_amount(value, label) if str(value or "").strip() else None
    except FieldError as error:
        raise ValidationFailed({"linshi_limit": [f"{error}；不设限额请留空"]}) from None
    before = county.linshi_township_limit
    county.linshi_township_limit = limit
    if limit != before:
        notice_settings_changed.send(
            county,
            user=user,
            before={"linshi_township_limit": limit_label(before)},
            after={"linshi_township_limit": limit_label(limit)},
            note="临时救助审批限额",
        )
    db.session.commit()
    return limit
