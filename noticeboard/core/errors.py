"""Domain errors raised by services; views turn them into messages for the user."""


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is shown to the user in Chinese."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """One or more fields are invalid; `errors` maps field name to a list of messages."""

    def __init__(self, errors: dict[str, list[str]]):
        first = next(iter(errors.values()))[0] if errors else "输入有误"
        super().__init__(first)
        self.errors = errors


class AccessRefused(Exception):
    """Not a message for a form: the app answers these with its 404 or 403 page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(AccessRefused):
    """The record does not exist or lies outside the user's scope (both answer 404)."""

    def __init__(self, message: str = "未找到该记录"):
        super().__init__(message)


class Forbidden(AccessRefused):
    """The user's role does not allow this action."""
