"""Pages of a list already in memory, shaped like Flask-SQLAlchemy's pagination.

Used where the order comes from Python (search ranking) rather than SQL; the
templates' ``pagination`` macro reads either kind.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request


@dataclass
class ListPage:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, left_edge=2, left_current=2, right_current=4, right_edge=2
    ) -> Iterator[int | None]:
        last = 0
        for n in range(1, self.pages + 1):
            if (
                n <= left_edge
                or self.page - left_current <= n <= self.page + right_current
                or n > self.pages - right_edge
            ):
                if last + 1 != n:
                    yield None
                yield n
                last = n


def paginate_list(items: Sequence, per_page: int = 20) -> ListPage:
    """The page of ``items`` that ``?page=`` asks for; 404 past the end."""
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(404)
    number = int(page)
    start = (number - 1) * per_page
    if start and start >= len(items):
        abort(404)
    return ListPage(list(items[start : start + per_page]), number, per_page, len(items))
