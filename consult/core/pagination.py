"""One page of a query's results, and what the pager needs (``_macros/contributions.html``).

Every paginated list goes through :func:`paginate`: a page number past the end shows the
last page, 0 or less the first, so a stale link never shows an empty page.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.extensions import db


@dataclass
class Page:
    """One page of results and what the pager needs."""

    items: list
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(select: sa.Select, page: int, per_page: int, *, total: int | None = None) -> Page:
    """The page ``page`` of the rows ``select`` returns (first column), in its order.

    :param total: how many rows ``select`` returns, when the caller already knows it
        (cached figures); counted otherwise.
    """
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery())) or 0
    number = min(max(1, page), max(1, -(-total // per_page)))
    found = db.paginate(select, page=number, per_page=per_page, error_out=False, count=False)
    return Page(items=list(found.items), number=number, total=total, per_page=per_page)
