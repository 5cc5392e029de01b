"""The public objection form."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class ObjectionForm(FlaskForm):
    """异议: the service checks every field; the form only carries them and the CSRF token."""

    text = TextAreaField("异议内容")
    line = StringField("涉及序号", render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField("您的姓名（可不填）", render_kw={"autocomplete": "name"})
    phone = StringField("联系电话（可不填）", render_kw={"type": "tel", "autocomplete": "tel"})
