"""Case entry forms, one per program; the rules themselves live in cases.validation."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
)

from noticeboard.cases.models import (
    DIBAO_AREAS,
    DIBAO_CATEGORIES,
    LINSHI_REASONS,
    LINSHI_TYPES,
    NEAR_RELATIONS,
    RELATIONS,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    NearRelativePost,
    Program,
)
from noticeboard.core.forms import BLANK, choice_field

BLANK_MEMBER_ROWS = 3


class MemberForm(Form):
    name = StringField("姓名")
    id_number = StringField("身份证号")
    relation = choice_field("与户主关系", choices=[BLANK, *((r, r) for r in RELATIONS)])
    covered = BooleanField("纳入保障", default=True)


class CaseForm(FlaskForm):
    version = HiddenField()
    village_id = choice_field("所属村/社区", coerce=str)
    group_name = StringField("组")
    applicant_name = StringField("姓名")
    applicant_id_number = StringField("身份证号")
    applicant_phone = StringField("联系电话")
    address = StringField("详细地址")

    def case_data(self) -> dict:
        """The submitted values as the service expects them (no CSRF token, no version)."""
        skip = {"csrf_token", "version"}
        return {k: v for k, v in self.data.items() if k not in skip}


class DibaoForm(CaseForm):
    applicant_name = StringField("户主姓名")
    applicant_id_number = StringField("户主身份证号")
    dibao_area = choice_field("城乡类别", choices=[BLANK, *DIBAO_AREAS.items()])
    dibao_category = choice_field(
        "保障类别", choices=[("", "不分类"), *((c, c) for c in DIBAO_CATEGORIES)]
    )
    monthly_amount = StringField("月保障金额（元）")
    income_per_person = StringField("家庭月人均收入（元）")
    frequent_review = BooleanField("收入不固定或有劳动能力成员（每半年核查）")
    members = FieldList(FormField(MemberForm), label="家庭成员（户主以外）")


class TekunForm(CaseForm):
    tekun_mode = choice_field("供养方式", choices=[BLANK, *TEKUN_MODES.items()])
    self_care = choice_field("生活自理能力", choices=[BLANK, *SELF_CARE_LEVELS.items()])
    basic_amount = StringField("基本生活标准（元/月）")
    care_amount = StringField("照料护理标准（元/月）")
    amount_override_reason = StringField("金额调整原因")


class LinshiForm(CaseForm):
    linshi_type = choice_field("救助类型", choices=[BLANK, *LINSHI_TYPES.items()])
    reason_category = choice_field("救助事由", choices=[BLANK, *((r, r) for r in LINSHI_REASONS)])
    amount = StringField("救助金额（元）")
    paid_on = StringField("发放日期", render_kw={"placeholder": "2026-11-05", "type": "date"})
    emergency_reason = StringField("先行救助理由")


FORMS = {Program.DIBAO: DibaoForm, Program.TEKUN: TekunForm, Program.LINSHI: LinshiForm}


def case_form(program: Program, villages, obj=None, formdata=None, extra_rows: int = 0):
    """The form of `program`, with the user's villages and enough blank member rows."""
    kwargs = {} if formdata is None else {"formdata": formdata}
    form = FORMS[program](obj=obj, **kwargs)
    form.village_id.choices = [BLANK, *((str(v.id), v.name) for v in villages)]
    if obj is not None and formdata is None:
        form.village_id.data = str(obj.village_id)
        form.version.data = str(obj.version)
    if program == Program.DIBAO:
        # A fresh form gets a few blank rows; 增加一行 adds exactly one to what was posted.
        if extra_rows:
            wanted = len(form.members.entries) + extra_rows
        elif formdata is None:
            wanted = len(form.members.entries) + BLANK_MEMBER_ROWS
        else:
            wanted = 0
        while len(form.members.entries) < wanted:
            form.members.append_entry()
    return form


class SmallForm(FlaskForm):
    def submitted(self) -> dict:
        """The submitted values as the service expects them (no CSRF token)."""
        return {k: v for k, v in self.data.items() if k != "csrf_token"}


class NearRelativeForm(SmallForm):
    """近亲属备案; `person_name` offers the case's applicant and members (set by the view)."""

    person_name = choice_field("申请人或家庭成员")
    staff_name = StringField("工作人员或村（居）委会成员姓名")
    post = choice_field("身份", choices=[BLANK, *NearRelativePost.choices()])
    workplace = StringField("单位及职务")
    relation = choice_field("亲属关系", choices=[BLANK, *((r, r) for r in NEAR_RELATIONS)])


class HomeVisitForm(SmallForm):
    visited_on = StringField("入户核查日期", render_kw={"type": "date"})
    visitors = StringField("核查人员")
    finding = TextAreaField("核查情况", render_kw={"rows": 3})
