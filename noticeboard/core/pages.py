"""Long lists shown a page at a time."""

from dataclasses import dataclass

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int

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
    return Page(items[start : start + per_page], number, pages, len(items))
