"""How a county's cases end (终止): after a 7-day termination notice, or at once with a
written reason. 特困 always has the notice (《特困人员认定办法》Art. 26); 低保 as the county
chooses."""

from noticeboard.core.errors import ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.extensions import db
from noticeboard.regions.delegation import county_id_of, county_of_user
from noticeboard.regions.models import Region, TerminationPath, TerminationSetting
from noticeboard.regions.signals import notice_settings_changed

# Codes of cases.models.Program, which sits above regions.
NOTICE_ALWAYS = "tekun"
CHOSEN_BY_COUNTY = "dibao"
DEFAULT = TerminationPath.IMMEDIATE


def dibao_termination(county_id: int) -> TerminationPath:
    """The county's choice for 低保 (immediate, unless it chose the notice)."""
    row = db.session.get(TerminationSetting, county_id)
    return row.dibao if row is not None else DEFAULT


def termination_path(region: Region, program: str) -> TerminationPath:
    """How a case of `program` in `region` (a village) ends."""
    if str(program) == NOTICE_ALWAYS:
        return TerminationPath.NOTICE
    if str(program) == CHOSEN_BY_COUNTY:
        return dibao_termination(county_id_of(region))
    return TerminationPath.IMMEDIATE


def set_dibao_termination(user, county_id, path: str) -> TerminationPath:
    """The county officer (or the administrator) chooses; audited with before and after."""
    require(user, Action.SET_APPROVAL_RULES)
    county = county_of_user(user, county_id)
    if path not in set(TerminationPath):
        raise ValidationFailed({"dibao": ["低保终止方式：请选择直接终止或先进行终止公示"]})
    before, after = dibao_termination(county.id), TerminationPath(path)
    row = db.session.get(TerminationSetting, county.id)
    if row is None:
        row = TerminationSetting(county_id=county.id)
        db.session.add(row)
    row.dibao, row.updated_by_id = after, user.id
    if after != before:
        notice_settings_changed.send(
            county,
            user=user,
            before={"termination_dibao": before.label},
            after={"termination_dibao": after.label},
            note="终止方式",
        )
    db.session.commit()
    return after
