"""Who confirms (审核确认) each program's cases in a county: the county, or its townships."""

from sqlalchemy import select

from noticeboard.core.errors import NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
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
