"""The form of a year's holidays."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class HolidayYearForm(FlaskForm):
    holidays = TextAreaField("放假日期", render_kw={"rows": 10})
    workdays = TextAreaField("调休上班日期", render_kw={"rows": 5})
