"""Which function runs each kind of job. An area registers its kinds on import (printing:
"batch_print"; Excel imports will register theirs), so this area needs to import none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class JobResult:
    """The file a finished job hands to whoever started it."""

    name: str
    mimetype: str
    data: bytes


# handler(user, params, progress) -> JobResult; progress(done, total) may be called from any
# thread. A DomainError's message is shown to the user as the job's error.
Handler = Callable[..., JobResult]
HANDLERS: dict[str, Handler] = {}


def job_kind(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register
