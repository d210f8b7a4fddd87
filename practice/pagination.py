"""Pages of a list: one guard for ``?page=``, for queries and for lists in memory.

``paginate`` pages a query (Flask-SQLAlchemy's pagination); ``paginate_list`` a
list already in memory, where the order comes from Python (search ranking). The
templates' ``pagination`` macro reads either kind. Both read ``?page=`` through
``requested_page``: anything but a page number within ``bounds.MAX_PAGE`` is a
404, as a page past the end is, instead of an OFFSET that overflows (a 500).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, request
from flask_sqlalchemy.pagination import Pagination

from practice.bounds import page_number
from practice.extensions import db


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


def requested_page() -> int:
    """The page number ``?page=`` asks for (1 without one); 404 for anything else."""
    number = page_number(request.args.get("page", "1"))
    if number is None:
        abort(404)
    return number


def paginate(query: sa.Select, per_page: int) -> Pagination:
    """The page of ``query`` that ``?page=`` asks for; 404 past the end."""
    return db.paginate(query, page=requested_page(), per_page=per_page)


def paginate_list(items: Sequence, per_page: int = 20) -> ListPage:
    """The page of ``items`` that ``?page=`` asks for; 404 past the end."""
    number = requested_page()
    start = (number - 1) * per_page
    if start and start >= len(items):
        abort(404)
    return ListPage(list(items[start : start + per_page]), number, per_page, len(items))
