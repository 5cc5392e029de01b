"""The region tree."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import Money, StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db


class RegionLevel(LabelledStrEnum):
    COUNTY = "county", "县/区"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    GROUP = "group", "组"

    @property
    def child(self) -> "RegionLevel | None":
        order = list(RegionLevel)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class NearRelativeColumn(LabelledStrEnum):
    """Where a county's notices show the 近亲属备案 column (《最低生活保障审核确认办法》
    Art. 11 leaves it to the county): by default on the printed board only."""

    BOARD = "board", "仅张贴公示显示"
    ONLINE = "online", "仅网上公示显示"
    BOTH = "both", "张贴和网上公示均显示"
    NONE = "none", "均不显示"

    def shown_on(self, channel: str) -> bool:
        return self == NearRelativeColumn.BOTH or self.value == str(channel)


class Region(db.Model):
    """One node of the region tree.

    `path` ("/1/4/9/") lists the ids from the county down to this node, so "everything in a
    township" is one indexed prefix match instead of a recursive query.
    """

    __tablename__ = "regions"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_regions_parent_name"),
        CheckConstraint("(level = 'county') = (parent_id IS NULL)", name="only_county_is_root"),
        CheckConstraint(
            "linshi_township_limit IS NULL OR (level = 'county' AND linshi_township_limit > 0)",
            name="linshi_limit_of_a_county",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    level: Mapped[RegionLevel] = mapped_column(StrEnumColumn(RegionLevel, 10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(200), index=True, default="")
    # Supervision phone (监督电话) printed on every notice of this township or county.
    phone: Mapped[str | None] = mapped_column(String(20))
    # Notice period counted in working days (official holiday calendar) instead of calendar
    # days; None inherits the parent's choice.
    working_day_notices: Mapped[bool | None] = mapped_column(Boolean)
    # Members of the township's assessment panel (评议小组), one per line; None: no panel.
    assessment_panel: Mapped[str | None] = mapped_column(Text)
    # A county's choice; None: NearRelativeColumn.BOARD.
    near_relative_column: Mapped[NearRelativeColumn | None] = mapped_column(
        StrEnumColumn(NearRelativeColumn, 10)
    )
    # A county's: the largest 临时救助 its townships approve; above it, the county
    # (民发〔2018〕23号). None: the townships approve every 临时救助 (regions/delegation.py).
    # Its history is the audit log's (region entries noted 临时救助审批限额).
    linshi_township_limit: Mapped[Decimal | None] = mapped_column(Money)

    parent: Mapped["Region | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent", order_by="Region.name")

    def ancestor(self, level: RegionLevel) -> "Region | None":
        node: Region | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    @property
    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def inherited(self, attribute: str):
        """The first non-empty value of `attribute` from this region up to the county."""
        node: Region | None = self
        while node is not None:
            value = getattr(node, attribute)
            if value not in (None, ""):
                return value
            node = node.parent
        return None

    @property
    def near_relatives_shown(self) -> NearRelativeColumn:
        """The county's choice of where the 近亲属备案 column is shown."""
        county = self.ancestor(RegionLevel.COUNTY)
        return county.near_relative_column or NearRelativeColumn.BOARD

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Region {self.id} {self.level} {self.name}>"


class Confirmer(LabelledStrEnum):
    """Who confirms (审核确认) a county's 低保 or 特困 cases (《最低生活保障审核确认办法》
    Art. 2, 《特困人员认定办法》Art. 28: a county may delegate it to the townships)."""

    COUNTY = "county", "县级民政部门审核确认"
    TOWNSHIP = "township", "委托乡镇（街道）审核确认"


class ApprovalDelegation(db.Model):
    """A county's choice for one program; no row: the county confirms (the national default).
    Its history is the audit log's (region entries noted 审核确认权限)."""

    __tablename__ = "approval_delegations"
    __table_args__ = (CheckConstraint("program IN ('dibao', 'tekun')", name="program_known"),)

    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    # A program's code (cases.models.Program), kept as text: regions sit below cases.
    program: Mapped[str] = mapped_column(String(10), primary_key=True)
    confirmer: Mapped[Confirmer] = mapped_column(StrEnumColumn(Confirmer, 10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TerminationPath(LabelledStrEnum):
    """How a county ends a 低保 case (《特困人员认定办法》Art. 26 fixes 特困's: a 7-day
    termination notice first; for 低保 the national rules leave it to the county)."""

    IMMEDIATE = "immediate", "直接终止（书面说明理由）"
    NOTICE = "notice", "先进行终止公示，期满无异议后终止"


class TerminationSetting(db.Model):
    """A county's choice for ending 低保 cases; no row: immediate termination with a written
    reason (what noticeboard always did). Its history is the audit log's (region entries
    noted 终止方式)."""

    __tablename__ = "termination_settings"

    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    dibao: Mapped[TerminationPath] = mapped_column(StrEnumColumn(TerminationPath, 10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
