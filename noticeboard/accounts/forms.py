"""Login, password and user administration forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from noticeboard.accounts.models import Role


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=40)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "当前密码",
        validators=[DataRequired("请填写当前密码"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "新密码",
        validators=[DataRequired("请填写新密码"), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "再次输入新密码",
        validators=[
            DataRequired("请再次输入新密码"),
            EqualTo("new_password", "再次输入新密码：两次输入的新密码不一致"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名")])
    password = PasswordField("初始密码", validators=[DataRequired("请填写初始密码")])
    role = SelectField("角色", choices=[(r.value, r.label) for r in Role])
    region_id = SelectField("所属区划", coerce=int)
