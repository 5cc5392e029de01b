"""Enumerations whose members carry the label staff and residents read."""

import enum


class LabelledStrEnum(enum.StrEnum):
    """A StrEnum stored as its value and shown by its label: ``DRAFT = "draft", "草稿"``."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls, *members: "LabelledStrEnum") -> list[tuple[str, str]]:
        """(value, label) pairs for a select, of `members` or of every member."""
        return [(m.value, m.label) for m in (members or cls)]
