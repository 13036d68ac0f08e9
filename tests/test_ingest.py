"""Ingest as a page or the CLI calls it: whoever uploads must be allowed to write that school's data."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from checks.rulebook import load_rulebook
from loaders.limits import Limits
from loaders.template import fill_template
from reformboard.services import uploads
from reformboard.services.uploads import ingest
from tenants.access import AccessDenied
from tenants.models import Submission
from tenants.principal import Principal, UserRole
from tests.fixtures.wust import wust_report

RULEBOOK = load_rulebook()


def workbook_for(code: str) -> bytes:
    report = wust_report()
    return fill_template(replace(report, school=replace(report.school, code=code)), RULEBOOK, RULEBOOK.campaign)


def upload(session, principal: Principal, data: bytes, target: str | None = None, dry_run: bool = False):
    return ingest(
        session,
        data=data,
        filename="填报.xlsx",
        principal=principal,
        campaign=RULEBOOK.campaign,
        rulebook=RULEBOOK,
        limits=Limits(),
        target_tenant=target,
        dry_run=dry_run,
    )


def test_a_school_uploads_its_own_workbook(session, directory):
    own = Principal("own", UserRole.SCHOOL, tenant_code=directory.school)
    outcome = upload(session, own, workbook_for(directory.school))
    assert outcome.accepted and outcome.created and outcome.tenant_code == directory.school


def test_the_board_facts_are_derived_only_for_a_submission_stored_anew(session, directory, monkeypatch):
    """The upload page's preview (a dry run) and a byte-identical re-upload would throw them away."""
    derived = []
    derive = uploads.derive
    monkeypatch.setattr(uploads, "derive", lambda *args, **kwargs: derived.append(args[0]) or derive(*args, **kwargs))
    own = Principal("own", UserRole.SCHOOL, tenant_code=directory.school)
    data = workbook_for(directory.school)
    preview = upload(session, own, data, dry_run=True)
    assert preview.accepted and preview.assessment is not None and not preview.created and derived == []
    stored = upload(session, own, data)
    assert stored.created and len(derived) == 1
    again = upload(session, own, data)
    assert not again.created and len(derived) == 1
    assert again.assessment == stored.assessment == preview.assessment


@pytest.mark.parametrize("role", [UserRole.SCHOOL, UserRole.UNIT, UserRole.PROVINCE_VIEWER])
def test_nobody_but_the_school_and_the_province_admin_uploads_for_it(session, directory, role):
    someone = Principal(
        "someone",
        role,
        tenant_code=directory.other_school if role is UserRole.SCHOOL else None,
        unit_code=directory.unit if role is UserRole.UNIT else None,
    )
    with pytest.raises(AccessDenied):
        upload(session, someone, workbook_for(directory.school))
    assert session.scalar(select(func.count()).select_from(Submission)) == 0


def test_an_unregistered_school_is_told_to_ask_the_campaigns_contact(session, directory):
    campaign = replace(RULEBOOK.campaign, contact="某市团委学校部")
    admin = Principal("admin", UserRole.PROVINCE_ADMIN)
    outcome = ingest(
        session,
        data=workbook_for("4199999999"),
        filename="填报.xlsx",
        principal=admin,
        campaign=campaign,
        rulebook=RULEBOOK,
        limits=Limits(),
        target_tenant=None,
    )
    [refusal] = [p for p in outcome.problems if p.is_error]
    assert "4199999999" in refusal.message and "请联系某市团委学校部登记" in refusal.message
