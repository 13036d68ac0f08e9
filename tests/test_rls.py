"""PostgreSQL row-level security: connected as the app role, a transaction sees only its scope's rows.

The app role comes from tests/fixtures/app_role.py (`app_url`, `app`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from reformboard.services.reminders import set_school_contacts, set_unit_contacts
from tenants import rls
from tenants.access import AccessDenied, require_tenant, scoped_transaction
from tenants.accounts import Outcome, add_user, authenticate
from tenants.metadata import METADATA
from tenants.models import AuditEntry, Submission
from tenants.principal import Principal, UserRole
from tenants.reminders import replace_school_contacts, school_contacts
from tenants.store import audit_entries, record_submission
from tests.conftest import PROVINCE, Directory

ON_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

PROTECTED = {
    "submissions",
    "report_school",
    "report_items",
    "report_organisations",
    "report_staff",
    "report_meetings",
    "assessments",
    "stored_results",
    "board_facts",
    "onsite_results",
    "reminders",
    "audit_log",
    "verdict_overrides",
    "school_contacts",
    "escalations",
    "deliveries",
    "campaign_schools",
    "documents",
}
ADMIN = Principal("chief", UserRole.PROVINCE_ADMIN)


def school_of(code: str) -> Principal:
    return Principal(f"user-{code}", UserRole.SCHOOL, tenant_code=code)


def raw_tenant_codes(app: Engine, table: str, tenant_ids: str | None) -> list[str]:
    """tenant_code of every row of `table` a raw query as the app role sees with this signed scope."""
    with app.begin() as connection:
        if tenant_ids is not None:
            rls.set_scope(connection, "owner", tenant_ids.split(","))
        return list(connection.scalars(text(f"SELECT tenant_code FROM {table} ORDER BY tenant_code")))


@ON_POSTGRESQL
def test_one_schools_scope_returns_no_row_of_another(app: Engine, uploads: Directory) -> None:
    assert raw_tenant_codes(app, "submissions", uploads.school) == [uploads.school]
    assert raw_tenant_codes(app, "audit_log", uploads.other_school) == [uploads.other_school]


@ON_POSTGRESQL
def test_one_schools_scope_sees_only_its_own_contact_addresses(app: Engine, uploads: Directory, session) -> None:
    for code in (uploads.school, uploads.other_school):
        replace_school_contacts(session, code, [f"tuanwei@{code}.edu.cn"], by="owner")
    session.commit()

    assert raw_tenant_codes(app, "school_contacts", uploads.school) == [uploads.school]
    assert raw_tenant_codes(app, "school_contacts", None) == []


@ON_POSTGRESQL
def test_the_board_sets_contact_addresses_as_the_app_role(app: Engine, uploads: Directory) -> None:
    with scoped_transaction(app, ADMIN) as session:
        set_school_contacts(session, ADMIN, uploads.school, ["tuanwei@gzsf.edu.cn"])
        set_unit_contacts(session, ADMIN, uploads.unit, ["xuexiao@gzyouth.cn"])
    with scoped_transaction(app, ADMIN) as session:
        set_school_contacts(session, ADMIN, uploads.school, ["office@gzsf.edu.cn"])  # replaces: deletes first

    assert raw_tenant_codes(app, "school_contacts", uploads.school) == [uploads.school]
    with scoped_transaction(app, school_of(uploads.school)) as session:
        assert school_contacts(session) == {uploads.school: ["office@gzsf.edu.cn"]}


@ON_POSTGRESQL
def test_no_scope_returns_no_rows(app: Engine, uploads: Directory) -> None:
    assert raw_tenant_codes(app, "submissions", None) == []
    assert raw_tenant_codes(app, "audit_log", None) == []


@ON_POSTGRESQL
def test_the_scope_ends_with_its_transaction(app: Engine, uploads: Directory) -> None:
    with app.connect() as connection:
        with connection.begin():
            rls.set_scope(connection, "chief", None)
            assert connection.scalar(text("SELECT count(*) FROM submissions")) == 2
        with connection.begin():
            assert connection.scalar(text("SELECT count(*) FROM submissions")) == 0


@ON_POSTGRESQL
def test_scoped_transactions_see_their_principals_schools(app: Engine, uploads: Directory) -> None:
    def submitted(principal: Principal) -> list[str]:
        with scoped_transaction(app, principal) as session:
            return list(session.scalars(select(Submission.tenant_code).order_by(Submission.tenant_code)))

    assert submitted(school_of(uploads.school)) == [uploads.school]
    assert submitted(Principal("gz.unit", UserRole.UNIT, unit_code=uploads.unit)) == sorted(
        [uploads.school, uploads.other_school]
    )
    assert submitted(ADMIN) == sorted([uploads.school, uploads.other_school])


@ON_POSTGRESQL
def test_a_row_for_another_school_cannot_be_written(app: Engine, uploads: Directory) -> None:
    with (
        pytest.raises(DBAPIError, match="row-level security"),
        scoped_transaction(app, school_of(uploads.school)) as session,
    ):
        record_submission(
            session,
            tenant_code=uploads.other_school,
            campaign_id=uploads.campaign.id,
            filename="forged.xlsx",
            raw=b"forged",
            uploader="intruder",
            uploaded_at=datetime(2026, 11, 2, tzinfo=UTC),
            report=None,
            problems=[],
        )
        session.flush()


@ON_POSTGRESQL
def test_a_school_writes_its_own_rows(app: Engine, uploads: Directory) -> None:
    with scoped_transaction(app, school_of(uploads.school)) as session:
        record_submission(
            session,
            tenant_code=uploads.school,
            campaign_id=uploads.campaign.id,
            filename="second.xlsx",
            raw=b"second",
            uploader="school",
            uploaded_at=datetime(2026, 11, 2, tzinfo=UTC),
            report=None,
            problems=[],
        )

    assert raw_tenant_codes(app, "submissions", uploads.school) == [uploads.school] * 2


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE submissions SET filename = 'changed'",
        "DELETE FROM submissions",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ],
    ids=["update-submissions", "delete-submissions", "update-audit", "delete-audit"],
)
def test_submissions_and_the_audit_log_cannot_be_changed(app: Engine, uploads: Directory, statement: str) -> None:
    with pytest.raises(DBAPIError, match="permission denied"), app.begin() as connection:
        rls.set_scope(connection, "chief", None)
        connection.execute(text(statement))


@ON_POSTGRESQL
def test_a_refusal_is_logged_outside_the_scope_but_read_only_by_the_province(app: Engine, uploads: Directory) -> None:
    me = school_of(uploads.school)
    with pytest.raises(AccessDenied), scoped_transaction(app, me) as session:
        require_tenant(session, me, uploads.other_school, "view_report")

    def refusals(principal: Principal) -> int:
        with scoped_transaction(app, principal) as session:
            return session.scalar(select(func.count()).where(AuditEntry.action == "permission_denied"))

    assert refusals(ADMIN) == 1
    assert refusals(me) == 0  # logged under the school it aimed at


@ON_POSTGRESQL
def test_signing_in_as_the_app_role_is_audited_before_any_scope_exists(
    app: Engine, session: Session, directory: Directory
) -> None:
    add_user(
        session, "gz.school", UserRole.SCHOOL, by=ADMIN, tenant_code=directory.school, password="correct horse battery"
    )
    session.commit()

    with Session(app) as unscoped, unscoped.begin():
        assert authenticate(unscoped, "gz.school", "correct horse battery").outcome is Outcome.SIGNED_IN
        authenticate(unscoped, "nobody", "whatever", sleep=lambda _: None)

    assert {(e.action, e.tenant_code) for e in audit_entries(session, PROVINCE)} >= {
        ("login", directory.school),
        ("login_failed", None),
    }


@ON_POSTGRESQL
def test_the_app_role_is_neither_superuser_nor_exempt(engine: Engine, app_url: URL) -> None:
    rls.ensure_app_role(engine, app_url)  # a second run (after an upgrade) changes nothing

    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = :name"),
            {"name": app_url.username},
        ).one()
    assert tuple(row) == (False, False, True)


@ON_POSTGRESQL
def test_every_table_with_tenant_rows_has_forced_row_level_security(engine: Engine) -> None:
    with engine.connect() as connection:
        protected = set(
            connection.scalars(
                text(
                    "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
                    "AND relrowsecurity AND relforcerowsecurity"
                )
            )
        )
    assert protected == PROTECTED
    assert {name for name, table in METADATA.tables.items() if "tenant_code" in table.c} - {"users"} <= PROTECTED


def test_the_app_role_has_privileges_listed_for_every_table() -> None:
    assert set(METADATA.tables) <= set(rls.APP_PRIVILEGES)
