"""A SchoolReport as rows of the report_* tables, and back.

The columns mirror checks.schema field for field (plus submission_id, position and tenant_code), so the
mapping is generic. Writing uses the driver's bulk inserts; reading rebuilds any number of reports with
one query per table, because the board re-assesses every school on whatever date it is asked about.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import Column, Result, Table, insert, select
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
# Rows per insert: bounds the rows (and, on PostgreSQL, the statement's text) held at once for a 100,000-row
# roster.
ROWS_PER_INSERT = 5_000


def insert_report(session: Session, submission_id: int, tenant_code: str, report: SchoolReport) -> None:
    """Store the report's rows for an accepted submission."""
    keys = {"submission_id": submission_id, "tenant_code": tenant_code}
    session.execute(insert(ReportSchool.__table__), [keys | vars(report.school)])
    for attribute, (record_class, model) in RECORD_TABLES.items():
        fields = [field.name for field in dataclasses.fields(record_class)]
        records = getattr(report, attribute)
        for start in range(0, len(records), ROWS_PER_INSERT):
            chunk = records[start : start + ROWS_PER_INSERT]
            columns = {
                "submission_id": [submission_id] * len(chunk),
                "position": range(start, start + len(chunk)),
                "tenant_code": [tenant_code] * len(chunk),
            } | {name: list(map(attrgetter(name), chunk)) for name in fields}
            insert_rows(session, model.__table__, columns)


def insert_rows(session: Session, table: Table, columns: dict[str, Sequence[Any]]) -> None:
    """Insert rows, given column by column (name -> each row's value), through the driver's own bulk path:
    one multi-row INSERT with psycopg2's execute_values on PostgreSQL, the driver's executemany on SQLite.

    Each column's values are converted by its SQLAlchemy type (enums to their words, SQLite's dates and
    booleans) once per distinct value. SQLAlchemy's own executemany builds and converts a parameter dict
    per row, which was half of storing a 10,000-row roster. (COPY would be faster still on PostgreSQL, but
    it refuses COPY FROM into a table with row-level security, which every report table has.)"""
    connection = session.connection()
    dialect = connection.dialect
    converted = [
        _bound(values, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name, values in columns.items()
    ]
    rows = list(zip(*converted, strict=True))
    if not rows:
        return
    quote = dialect.identifier_preparer
    into = f"INSERT INTO {quote.format_table(table)} ({', '.join(map(quote.quote, columns))}) VALUES "
    if dialect.name == "postgresql":
        with contextlib.closing(connection.connection.cursor()) as cursor:
            execute_values(cursor, into + "%s", rows, page_size=len(rows))
    else:
        connection.exec_driver_sql(into + f"({', '.join('?' * len(columns))})", rows)


def _bound(values: Sequence[Any], convert: Callable[[Any], Any] | None) -> Sequence[Any]:
    """The values as the driver takes them: a roster repeats its words, dates and yes/no answers, so each
    distinct value is converted once (every value a record holds is hashable: the records are frozen)."""
    if convert is None:
        return values
    bound = {value: convert(value) for value in set(values)}
    return list(map(bound.__getitem__, values))


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
