"""Creating, finding and configuring regions."""

from sqlalchemy import select

from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import FieldError, clean_name, clean_phone, parse_id
from noticeboard.extensions import db
from noticeboard.regions.models import NearRelativeColumn, Region, RegionLevel
from noticeboard.regions.scope import scope_clause
from noticeboard.regions.signals import notice_settings_changed

# Region.working_day_notices is three-state: None inherits the county's choice.
WORKING_DAY_CHOICES = [
    ("inherit", "沿用上级设置"),
    ("yes", "7 个工作日（按国家法定节假日安排）"),
    ("no", "7 个自然日"),
]
WORKING_DAY_VALUES = {"inherit": None, "yes": True, "no": False}
WORKING_DAY_LABELS = {None: "沿用上级设置", True: "7 个工作日", False: "7 个自然日"}


def create_region(
    name: str, level: RegionLevel | str, parent: Region | None = None, phone: str | None = None
) -> Region:
    """Add a region under `parent`; the level must be the one right below the parent's.

    The supervision phone is printed on every notice of the region, so it is checked here,
    where the page and `flask regions add` both come.
    """
    if level not in set(RegionLevel):
        raise ValidationFailed({"level": ["级别：请从列表中选择"]})
    level = RegionLevel(level)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ValidationFailed({"name": ["名称：请填写 1 至 40 个字的名称"]})
    try:
        phone = clean_phone(phone, "监督电话")
    except FieldError as error:
        raise ValidationFailed({"phone": [str(error)]}) from None
    if level == RegionLevel.COUNTY:
        if parent is not None:
            raise DomainError("县/区是最上一级，不能有上级区划", field="parent")
    elif parent is None or parent.level.child != level:
        expected = next(lv for lv in RegionLevel if lv.child == level)
        raise DomainError(f"上级区划：{level.label}的上级必须是{expected.label}", field="parent")
    duplicate = db.session.scalar(
        select(Region)
        .where(Region.parent_id == (parent.id if parent else None))
        .where(Region.name == name)
    )
    if duplicate is not None:
        raise DomainError(f"名称：“{name}”已存在于同一上级之下", field="name")
    region = Region(name=name, level=level, parent=parent, phone=phone or None)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    db.session.commit()
    return region


def add_region(user, name, level, parent_id, phone) -> Region:
    """An administrator adds a region below one of their scope (or a county, with none)."""
    require(user, Action.ADMINISTER)
    parent = None
    if parent_id:
        number = parse_id(parent_id)
        if number is not None:
            parent = db.session.scalar(
                select(Region).where(Region.id == number, scope_clause(user))
            )
        if parent is None:
            raise NotFound("未找到上级区划")
    return create_region(name, level, parent, phone)


def settings_region(user, region_id: int) -> Region:
    """A county or township of the user's scope, whose notice settings they may change."""
    require(user, Action.ADMINISTER)
    region = db.session.scalar(
        select(Region).where(
            Region.id == region_id,
            Region.level.in_((RegionLevel.COUNTY, RegionLevel.TOWNSHIP)),
            scope_clause(user),
        )
    )
    if region is None:
        raise NotFound("未找到该区划")
    return region


def find_region_by_names(*names: str) -> Region | None:
    """The region reached by following names from a county down, e.g. ("示范县", "新店镇")."""
    parent_id = None
    region = None
    for name in names:
        region = db.session.scalar(
            select(Region).where(Region.parent_id == parent_id).where(Region.name == name)
        )
        if region is None:
            return None
        parent_id = region.id
    return region


def regions_within(root: Region | None, level: RegionLevel | None = None) -> list[Region]:
    """Regions inside `root` (itself included), or all regions when root is None."""
    query = select(Region).order_by(Region.path)
    if root is not None:
        query = query.where(Region.path.startswith(root.path))
    if level is not None:
        query = query.where(Region.level == level)
    return list(db.session.scalars(query))


def _settings_view(region: Region) -> dict:
    view = {
        "phone": region.phone or "",
        "working_day_notices": WORKING_DAY_LABELS[region.working_day_notices],
        "assessment_panel": region.assessment_panel.split("\n") if region.assessment_panel else [],
    }
    if region.level == RegionLevel.COUNTY:
        view["near_relative_column"] = region.near_relatives_shown.label
    return view


def update_notice_settings(
    user, region: Region, phone, working_days, panel_text, near_relatives=None
) -> Region:
    """Save what a township's (or county's) notices print: supervision phone, period mode,
    assessment panel, and for a county where the 近亲属备案 column shows (None: unchanged).
    Applies to notices published from now on; published ones are frozen."""
    require(user, Action.ADMINISTER)
    errors: dict[str, list[str]] = {}
    if near_relatives is not None and (
        region.level != RegionLevel.COUNTY or near_relatives not in set(NearRelativeColumn)
    ):
        errors["near_relative_column"] = ["近亲属备案栏：请由县/区从列表中选择"]
    try:
        phone = clean_phone(phone, "监督电话")
    except FieldError as error:
        errors["phone"] = [str(error)]
    if working_days not in WORKING_DAY_VALUES:
        errors["working_day_notices"] = ["公示期计算：请从列表中选择"]
    names = []
    for number, line in enumerate((panel_text or "").splitlines(), 1):
        if not line.strip():
            continue
        try:
            names.append(clean_name(line, f"评议小组成员第 {number} 行"))
        except FieldError as error:
            errors.setdefault("assessment_panel", []).append(str(error))
    if errors:
        raise ValidationFailed(errors)
    before = _settings_view(region)
    region.phone = phone
    region.working_day_notices = WORKING_DAY_VALUES[working_days]
    region.assessment_panel = "\n".join(names) or None
    if near_relatives is not None:
        region.near_relative_column = NearRelativeColumn(near_relatives)
    notice_settings_changed.send(region, user=user, before=before, after=_settings_view(region))
    db.session.commit()
    return region
