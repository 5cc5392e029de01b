"""Bridges between domain errors and WTForms."""

from flask import flash

from noticeboard.core.errors import DomainError, ValidationFailed


def show_errors(form, error: DomainError) -> None:
    """Attach a service's field messages to the form; messages without a field are flashed."""
    errors = error.errors if isinstance(error, ValidationFailed) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *messages]
        else:
            for message in messages:
                flash(message, "error")
