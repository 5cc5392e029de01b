"""Forms of the staff notice pages; the rules themselves live in notices.services."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField

from noticeboard.cases.models import Program
from noticeboard.core.forms import choice_field
from noticeboard.notices.models import ObjectionChannel, ObjectionOutcome

NOTICE_PROGRAM_CHOICES = Program.choices(Program.DIBAO, Program.TEKUN)


class PrepareNoticeForm(FlaskForm):
    """Step two of preparing a 7-day notice: the chosen village's cases and the start date.

    The case checkboxes are plain inputs named case_ids (their list depends on the village),
    read with request.form.getlist.
    """

    village = HiddenField()
    program = HiddenField()
    start_date = StringField("公示开始日期", render_kw={"type": "date"})


class RecordObjectionForm(FlaskForm):
    channel = choice_field(
        "来源", choices=ObjectionChannel.choices(ObjectionChannel.PHONE, ObjectionChannel.VISIT)
    )
    line = StringField("涉及序号", render_kw={"inputmode": "numeric", "size": 4})
    text = TextAreaField("反映内容", render_kw={"rows": 4, "maxlength": 1000})
    name = StringField("反映人姓名")
    phone = StringField("联系电话")


class ResolveObjectionForm(FlaskForm):
    outcome = RadioField("办理结果", choices=ObjectionOutcome.choices(), validate_choice=False)
    investigation = TextAreaField("调查核实情况", render_kw={"rows": 5, "maxlength": 2000})
    case_id = choice_field("涉及对象", coerce=str)


class LinshiListForm(FlaskForm):
    region_id = choice_field("公示范围", coerce=str)
    month = StringField("救助发放月份", render_kw={"type": "month", "placeholder": "2026-10"})
    reason = TextAreaField(
        "更正原因（重新发布本月公示时填写）", render_kw={"rows": 2, "maxlength": 500}
    )
