"""Long lists shown a page at a time."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from noticeboard.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int
    start: int  # how many items come before this page's first

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(items: list, number: int | None, per_page: int = PER_PAGE) -> Page:
    """Page `number` (from 1; out-of-range numbers show the nearest page) of `items`."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(number or 1, 1), pages)
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], number, pages, len(items), start)


def page_of_query(
    query: Select,
    number: int | None,
    per_page: int = PER_PAGE,
    load: Callable[[Select], list] | None = None,
) -> Page:
    """Page `number` of what `query` selects, counted and cut in the database; `load` reads
    the page's rows when they need more than `query` selects (the count does not)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    number = min(max(number or 1, 1), pages)
    start = (number - 1) * per_page
    window = query.offset(start).limit(per_page)
    items = load(window) if load else list(db.session.scalars(window))
    return Page(items, number, pages, total, start)
