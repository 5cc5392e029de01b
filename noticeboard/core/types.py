"""Column types shared by every area: exact money and timezone-aware UTC timestamps."""

import enum
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Numeric, String
from sqlalchemy.types import SchemaType, TypeDecorator

CENT = Decimal("0.01")


class Money(TypeDecorator):
    """Yuan with 2 decimal places, always a Decimal in Python.

    SQLite has no decimal type and hands back floats; quantizing on the way out keeps every
    amount up to 10^10 yuan exact, which is far beyond any benefit.
    """

    impl = Numeric(12, 2)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else Decimal(value).quantize(CENT)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value)).quantize(CENT)


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC; SQLite forgets the zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class StrEnumColumn(TypeDecorator, SchemaType):
    """A StrEnum stored as its plain string value, readable in SQL.

    Like SQLAlchemy's own Enum (and Indico's PyIntEnum), the column brings its CHECK
    constraint `<column>_known` listing the enum's values, so no model writes it by hand.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int = 20):
        super().__init__(length)
        self.enum_class = enum_class

    def _set_table(self, column, table):
        allowed = f"{column.name} IN ({', '.join(repr(str(v)) for v in self.enum_class)})"
        if column.nullable:
            allowed = f"{column.name} IS NULL OR {allowed}"
        table.append_constraint(CheckConstraint(allowed, name=f"{column.name}_known"))

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)
