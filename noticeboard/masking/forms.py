"""The masking policy form: one per channel."""

from flask_wtf import FlaskForm
from wtforms import SelectField

NAME_CHOICES = [("full", "全名"), ("masked", "遮挡（张*丰）")]
RESIDENT_ID_CHOICES = [("none", "不显示"), ("6+4", "前6后4（350211********123X）")]
ADDRESS_CHOICES = [
    ("village_group", "村组（东风村3组）"),
    ("village", "仅村（东风村）"),
    ("none", "不显示"),
]


class ChannelPolicyForm(FlaskForm):
    """One channel's policy; the page holds one form per channel, told apart by prefix."""

    name = SelectField("姓名", choices=NAME_CHOICES, validate_choice=False)
    resident_id = SelectField("身份证号", choices=RESIDENT_ID_CHOICES, validate_choice=False)
    address = SelectField("住址", choices=ADDRESS_CHOICES, validate_choice=False)

    def policy_values(self) -> dict:
        return {
            "name": self.name.data,
            "resident_id": self.resident_id.data,
            "address": self.address.data,
        }
