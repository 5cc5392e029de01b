"""Bridges between domain errors and WTForms."""

from urllib.parse import urlsplit

from flask import flash, request
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.extensions import db

BLANK = ("", "请选择")


def choice_field(label: str, choices=(), **kwargs) -> SelectField:
    """A select whose value the service checks, so a bad value gets a message naming the field."""
    return SelectField(label, choices=choices, validate_choice=False, **kwargs)


# What a refused form may send back as typed; a longer value (an 8 MB "objection") is not
# echoed: the field comes back empty with its message.
ECHO_MAX = 5000


class ReasonForm(FlaskForm):
    """Any action that must state why: withdrawal, correction, rejection, termination."""

    reason = TextAreaField("原因", render_kw={"rows": 3, "maxlength": 500})


def reason_form(prefix: str, label: str) -> ReasonForm:
    form = ReasonForm(prefix=prefix)
    form.reason.label.text = label
    return form


def show_errors(form, error: DomainError) -> None:
    """Undo what the refused call did, then attach its field messages to the form; messages
    without a field are flashed. Nothing is saved half-way."""
    db.session.rollback()
    for field in form:
        if isinstance(field.data, str) and len(field.data) > ECHO_MAX:
            field.data = ""
            field.raw_data = [""]
    errors = error.errors if isinstance(error, ValidationFailed) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *messages]
        else:
            for message in messages:
                flash(message, "error")


def flash_refusal(error: DomainError) -> None:
    """Undo what the refused call did and tell the user why, on the next page."""
    db.session.rollback()
    flash(error.message, "error")


def page_address() -> str | None:
    """For a page drawn in answer to a POST (a form sent back with its errors): the address
    the browser should keep for it, so that Back later reloads that page instead of asking
    to send the form again (static/staff.js swaps it in). The POST's own address when it
    also answers GET, else the same-site page the form was sent from."""
    if request.method != "POST" or request.url_rule is None:
        return None
    if "GET" in request.url_rule.methods:
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None
