"""Issue #10, item 15: the store's read functions check the principal's scope themselves.

On SQLite there is no row-level security (and the test's PostgreSQL session is a superuser's), so what
is refused here is refused by the functions alone: another school's report, with its students' names,
is never handed over, whatever code or submission id a page passes in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from checks.rulebook import load_rulebook
from reformboard.board import standings
from reformboard.services.exports import verification_inputs
from tenants.access import AccessDenied
from tenants.models import Submission
from tenants.principal import Principal, UserRole
from tenants.store import audit, audit_entries, history, load_report, record_submission
from tests.conftest import PROVINCE, Directory
from tests.fixtures.reports import minimal_compliant_report

AS_OF = date(2026, 11, 30)


@pytest.fixture
def accepted(session: Session, directory: Directory) -> dict[str, Submission]:
    """An accepted submission (with a roster of names) and an audit entry for each of the two schools."""
    found = {}
    for code in (directory.school, directory.other_school):
        found[code], _ = record_submission(
            session,
            tenant_code=code,
            campaign_id=directory.campaign.id,
            filename=f"{code}.xlsx",
            raw=code.encode(),
            uploader="school",
            uploaded_at=datetime(2026, 11, 1, tzinfo=UTC),
            report=minimal_compliant_report(),
            problems=[],
        )
        audit(session, "school", "upload", code)
    session.commit()
    return found


def school_of(code: str) -> Principal:
    return Principal(f"user-{code}", UserRole.SCHOOL, tenant_code=code)


def refusals(session: Session) -> list[tuple[str, str | None]]:
    return [(e.actor, e.tenant_code) for e in audit_entries(session, PROVINCE, action="permission_denied")]


def test_another_schools_report_is_refused_and_the_attempt_audited(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    me = school_of(directory.school)
    theirs = accepted[directory.other_school].id

    with pytest.raises(AccessDenied, match=directory.other_school):
        load_report(session, me, theirs)
    session.rollback()

    assert refusals(session) == [(me.username, directory.other_school)]
    assert load_report(session, me, accepted[directory.school].id).staff  # its own, names and all


def test_another_schools_history_is_refused(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    me = school_of(directory.school)

    with pytest.raises(AccessDenied):
        history(session, me, directory.other_school, directory.campaign.id)
    assert [s.id for s in history(session, me, directory.school, directory.campaign.id)] == [
        accepted[directory.school].id
    ]


def test_standings_refuse_a_school_outside_the_scope_and_default_to_it(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    me, rulebook = school_of(directory.school), load_rulebook()

    with pytest.raises(AccessDenied):
        standings(session, me, rulebook, directory.campaign, AS_OF, [directory.school, directory.other_school])
    assert [s.school.code for s in standings(session, me, rulebook, directory.campaign, AS_OF)] == [directory.school]


def test_verification_inputs_refuse_a_school_outside_the_scope_and_default_to_it(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    me, rulebook = school_of(directory.school), load_rulebook()

    with pytest.raises(AccessDenied):
        verification_inputs(session, me, rulebook, directory.campaign, AS_OF, [directory.other_school])
    inputs = verification_inputs(session, me, rulebook, directory.campaign, AS_OF)
    assert [entry.context.school_code for entry in inputs.entries] == [directory.school]


def test_the_audit_log_is_read_within_the_scope(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    me = school_of(directory.school)

    with pytest.raises(AccessDenied):
        audit_entries(session, me, tenant_code=directory.other_school)
    assert {e.tenant_code for e in audit_entries(session, me)} == {directory.school}
    assert {e.tenant_code for e in audit_entries(session, PROVINCE, action="upload")} == {
        directory.school,
        directory.other_school,
    }


def test_a_unit_sees_its_own_schools_only(
    session: Session, directory: Directory, accepted: dict[str, Submission]
) -> None:
    elsewhere = Principal("sz.unit", UserRole.UNIT, unit_code="4403")

    with pytest.raises(AccessDenied):
        load_report(session, elsewhere, accepted[directory.school].id)
    assert standings(session, elsewhere, load_rulebook(), directory.campaign, AS_OF) == []
