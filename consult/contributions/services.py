"""Contribution queries."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.meetings.models import Meeting

PER_PAGE = 20


@dataclass
class Page:
    """One page of results and what the pager needs."""

    items: list
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def published_page(*, page: int = 1, meeting_id=None, kind=None, territory_id=None) -> Page:
    """Published contributions, newest first, filtered and paginated."""
    filters = [Contribution.status == "published", Meeting.status != "draft"]
    if meeting_id:
        filters.append(Contribution.meeting_id == meeting_id)
    if kind:
        filters.append(Contribution.kind == kind)
    if territory_id:
        filters.append(Contribution.territory_id == territory_id)
    base = sa.select(Contribution).join(Meeting).where(*filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    page = max(1, page)
    items = db.session.scalars(
        base.order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .options(
            selectinload(Contribution.publics),
            selectinload(Contribution.organisation),
            selectinload(Contribution.territory),
            selectinload(Contribution.meeting),
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items=items, number=page, total=total)
