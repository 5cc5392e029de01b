"""Region administration form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from noticeboard.regions.models import Confirmer, NearRelativeColumn, RegionLevel, TerminationPath
from noticeboard.regions.services import WORKING_DAY_CHOICES


class RegionForm(FlaskForm):
    name = StringField("名称")
    level = SelectField(
        "级别", choices=[(lv.value, lv.label) for lv in RegionLevel], validate_choice=False
    )
    parent_id = SelectField("上级区划", coerce=str, validate_choice=False)
    phone = StringField("监督电话")


class RegionSettingsForm(FlaskForm):
    phone = StringField("监督电话")
    working_day_notices = SelectField(
        "公示期计算", choices=WORKING_DAY_CHOICES, validate_choice=False
    )
    assessment_panel = TextAreaField("评议小组成员", render_kw={"rows": 6})
    # A county's only; a township's page leaves it out.
    near_relative_column = SelectField(
        "公示中的近亲属备案栏", choices=NearRelativeColumn.choices(), validate_choice=False
    )


class DelegationForm(FlaskForm):
    dibao = SelectField("最低生活保障", choices=Confirmer.choices(), validate_choice=False)
    tekun = SelectField("特困人员救助供养", choices=Confirmer.choices(), validate_choice=False)


class TerminationSettingForm(FlaskForm):
    dibao = SelectField("低保终止方式", choices=TerminationPath.choices(), validate_choice=False)


class LinshiLimitForm(FlaskForm):
    linshi_limit = StringField(
        "临时救助乡镇审批限额（元）", render_kw={"inputmode": "decimal", "maxlength": 20}
    )
