"""Staff roles and the level of region each is bound to."""

from noticeboard.core.enums import LabelledStrEnum
from noticeboard.regions.models import RegionLevel


class Role(LabelledStrEnum):
    CLERK = "clerk", "乡镇经办人"
    REVIEWER = "reviewer", "乡镇审核人"
    COUNTY = "county", "县级民政"
    ADMIN = "admin", "系统管理员"

    @property
    def region_level(self) -> RegionLevel:
        """The level of region an account with this role is bound to."""
        if self in (Role.CLERK, Role.REVIEWER):
            return RegionLevel.TOWNSHIP
        return RegionLevel.COUNTY
