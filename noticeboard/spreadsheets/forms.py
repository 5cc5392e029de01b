"""The form every export of personal data goes through: its stated purpose."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ExportForm(FlaskForm):
    purpose = TextAreaField("导出用途", render_kw={"rows": 2, "maxlength": 200})
