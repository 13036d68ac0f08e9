"""A SchoolReport as rows of the report_* tables, and back.

The columns mirror checks.schema field for field (plus submission_id, position and tenant_code), so the
mapping is generic. Writing uses bulk inserts; reading rebuilds any number of reports with one query per
table, because the board re-assesses every school on whatever date it is asked about.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Result, insert, select
from sqlalchemy.orm import Session

from checks.errors import NotFound
from checks.schema import ItemReport, Meeting, Organisation, SchoolInfo, SchoolReport, StaffMember
from tenants.access import PermissionAction, require_tenant
from tenants.models import (
    Base,
    ReportItem,
    ReportMeeting,
    ReportOrganisation,
    ReportRecord,
    ReportSchool,
    ReportStaff,
    Submission,
)
from tenants.principal import Principal

# SchoolReport attribute -> (record dataclass, table model), in the order of SchoolReport's fields.
RECORD_TABLES: dict[str, tuple[type, type[ReportRecord]]] = {
    "items": (ItemReport, ReportItem),
    "organisations": (Organisation, ReportOrganisation),
    "staff": (StaffMember, ReportStaff),
    "meetings": (Meeting, ReportMeeting),
}
# Well under SQLite's limit of 32,766 bound parameters per statement.
IDS_PER_QUERY = 10_000
# Rows per insert statement: bounds the parameter dicts alive at once for a 100,000-row roster.
ROWS_PER_INSERT = 5_000


def insert_report(session: Session, submission_id: int, tenant_code: str, report: SchoolReport) -> None:
    """Store the report's rows for an accepted submission.

    Core inserts on the tables, not ORM bulk inserts: the ORM splits the rows into one batch per
    pattern of None values, which made a 10,000-row roster dozens of statements and ten times slower."""
    keys = {"submission_id": submission_id, "tenant_code": tenant_code}
    session.execute(insert(ReportSchool.__table__), [keys | vars(report.school)])
    for attribute, (_, model) in RECORD_TABLES.items():
        records = getattr(report, attribute)
        for start in range(0, len(records), ROWS_PER_INSERT):
            # vars(): the schema's records are plain dataclasses, whose __dict__ holds exactly their fields
            rows = [
                keys | {"position": n} | vars(record)
                for n, record in enumerate(records[start : start + ROWS_PER_INSERT], start)
            ]
            session.execute(insert(model.__table__), rows)


def load_reports(session: Session, submission_ids: Iterable[int], *, roster: bool = True) -> dict[int, SchoolReport]:
    """The reports of the given accepted submissions; ids without stored rows are left out. Without
    `roster` the reports have no staff rows (for assessing with the roster rules' stored findings)."""
    ids = list(dict.fromkeys(submission_ids))
    schools: dict[int, SchoolInfo] = {}
    tables = {name: pair for name, pair in RECORD_TABLES.items() if roster or name != "staff"}
    records: dict[str, dict[int, list[Any]]] = {name: defaultdict(list) for name in RECORD_TABLES}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        for submission_id, *values in _rows(session, ReportSchool, SchoolInfo, chunk):
            info = SchoolInfo(*values)
            schools[submission_id] = dataclasses.replace(info, colleges=tuple(info.colleges))
        for attribute, (record_class, model) in tables.items():
            by_submission = records[attribute]
            for submission_id, *values in _rows(session, model, record_class, chunk):
                by_submission[submission_id].append(record_class(*values))
    return {
        submission_id: SchoolReport(
            school, **{name: tuple(records[name].get(submission_id, ())) for name in RECORD_TABLES}
        )
        for submission_id, school in schools.items()
    }


def _rows(session: Session, model: type[Base], record_class: type, ids: Sequence[int]) -> Result[int, *tuple[Any, ...]]:
    """(submission_id, *fields in the dataclass's order) for the given submissions, in report order."""
    table = model.__table__
    columns: list[Column[Any]] = [table.c[field.name] for field in dataclasses.fields(record_class)]
    query = select(table.c.submission_id, *columns).where(table.c.submission_id.in_(ids))
    if "position" in table.c:
        query = query.order_by(table.c.submission_id, table.c.position)
    return session.execute(query)


def load_report(session: Session, principal: Principal, submission_id: int) -> SchoolReport:
    """The report of one accepted submission; one of a school outside the principal's scope is refused
    (AccessDenied, audited)."""
    submission = session.get(Submission, submission_id)
    if submission is None or not submission.accepted:
        raise NotFound(f"提交记录 {submission_id} 没有已接收的报表数据")
    require_tenant(session, principal, submission.tenant_code, PermissionAction.VIEW_REPORT)
    return load_reports(session, [submission_id])[submission_id]  # an accepted one is stored with its rows
