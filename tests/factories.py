"""Small factories for regions, users and cases, with valid resident IDs."""

from dataclasses import dataclass
from itertools import count

from stdnum.cn import ric

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases import services as cases
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.services import create_region

PASSWORD = "correct-horse-battery"
_serial = count(1)


def resident_id(born: str = "19800101") -> str:
    """A fresh valid 18-character ID; each call gives a new sequence number."""
    serial = next(_serial) % 1000
    body = f"110101{born}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_wrong_checksum(value: str) -> str:
    last = "0" if value[-1] != "0" else "1"
    return value[:-1] + last


@dataclass
class World:
    county: object
    township_a: object
    township_b: object
    village_a: object
    village_a2: object
    village_b: object
    clerk_a: object
    reviewer_a: object
    clerk_b: object
    county_officer: object
    admin: object


class Factory:
    def world(self) -> World:
        county = create_region("示范县", RegionLevel.COUNTY, phone="0591-87650000")
        a = create_region("新店镇", RegionLevel.TOWNSHIP, county, "0591-83210000")
        b = create_region("城关街道", RegionLevel.TOWNSHIP, county, "0591-83330000")
        world = World(
            county=county,
            township_a=a,
            township_b=b,
            village_a=create_region("东风村", RegionLevel.VILLAGE, a),
            village_a2=create_region("红星村", RegionLevel.VILLAGE, a),
            village_b=create_region("南门社区", RegionLevel.VILLAGE, b),
            clerk_a=create_user("clerk_a", PASSWORD, Role.CLERK, a, "林经办"),
            reviewer_a=create_user("reviewer_a", PASSWORD, Role.REVIEWER, a, "黄审核"),
            clerk_b=create_user("clerk_b", PASSWORD, Role.CLERK, b, "郑经办"),
            county_officer=create_user("county", PASSWORD, Role.COUNTY, county, "陈科长"),
            admin=create_user("admin", PASSWORD, Role.ADMIN, county, "管理员"),
        )
        db.session.commit()
        return world

    @staticmethod
    def dibao_data(village, **overrides) -> dict:
        data = {
            "village_id": village.id,
            "group_name": "3组",
            "applicant_name": "张三丰",
            "applicant_id_number": resident_id("19560312"),
            "applicant_phone": "13800138000",
            "dibao_area": "rural",
            "dibao_category": "A类",
            "monthly_amount": "1360.00",
            "members": [
                {
                    "name": "李秀英",
                    "id_number": resident_id("19580101"),
                    "relation": "配偶",
                    "covered": True,
                },
            ],
        }
        data.update(overrides)
        return data

    @staticmethod
    def tekun_data(village, **overrides) -> dict:
        data = {
            "village_id": village.id,
            "applicant_name": "欧阳娜娜",
            "applicant_id_number": resident_id("19400505"),
            "tekun_mode": "dispersed",
            "self_care": "partial",
            "basic_amount": "1170.00",
            "care_amount": "450.00",
        }
        data.update(overrides)
        return data

    @staticmethod
    def linshi_data(village, **overrides) -> dict:
        data = {
            "village_id": village.id,
            "applicant_name": "阿卜杜拉·艾合买提",
            "applicant_id_number": resident_id("19850707"),
            "linshi_type": "emergency",
            "reason_category": "火灾",
            "amount": "3000.00",
            "paid_on": "2026-11-02",
        }
        data.update(overrides)
        return data

    def case(self, user, program: Program, village, **overrides):
        builder = {
            Program.DIBAO: self.dibao_data,
            Program.TEKUN: self.tekun_data,
            Program.LINSHI: self.linshi_data,
        }[program]
        return cases.create_case(user, program, builder(village, **overrides))
