"""Region administration form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from noticeboard.regions.models import RegionLevel


class RegionForm(FlaskForm):
    name = StringField("名称")
    level = SelectField(
        "级别", choices=[(lv.value, lv.label) for lv in RegionLevel], validate_choice=False
    )
    parent_id = SelectField("上级区划", coerce=str, validate_choice=False)
    phone = StringField("监督电话")
