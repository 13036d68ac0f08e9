"""Query shapes shared by the store modules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, UnaryExpression, func, select
from sqlalchemy.orm import Session

from tenants.models import Assessment, Submission, VerdictOverrideRow

PerTenant = TypeVar("PerTenant", Submission, Assessment, VerdictOverrideRow)


def latest_per_tenant(
    session: Session,
    model: type[PerTenant],
    *conditions: ColumnElement[bool],
    newest_first: tuple[UnaryExpression[Any], ...],
    tenant_codes: Iterable[str] | None = None,
) -> dict[str, PerTenant]:
    """Per tenant, the first row by `newest_first` among those meeting `conditions`, in one query."""
    if tenant_codes is not None:
        conditions += (model.tenant_code.in_(list(tenant_codes)),)
    rank = func.row_number().over(partition_by=model.tenant_code, order_by=newest_first).label("rank")
    ranked = select(model.id, rank).where(*conditions).subquery()
    query = select(model).join(ranked, model.id == ranked.c.id).where(ranked.c.rank == 1)
    return {row.tenant_code: row for row in session.scalars(query)}
