"""The store: every read and write the application makes, as functions taking a Session.

None of them commits: the caller owns the transaction (one per uploaded file, say), e.g.

    with make_sessionmaker(engine).begin() as session:
        submission, created = record_submission(session, ...)
        audit(session, user, AuditAction.UPLOAD_ACCEPTED, submission.tenant_code, submission_id=submission.id)
"""

from tenants.assessments import (
    assessment_result,
    latest_assessments,
    onsite_results_for,
    overrides_for,
    record_override,
    save_assessment,
    save_onsite_results,
)
from tenants.audit import audit
from tenants.audit_trail import audit_entries
from tenants.directory import (
    add_school,
    add_unit,
    default_campaign,
    enrol_school,
    ensure_campaign,
    get_campaign,
    get_school,
    is_enrolled,
    list_campaigns,
    list_schools,
    list_units,
    pin_rulebook,
    set_deadline_overrides,
    set_default_campaign,
    set_threshold_overrides,
)
from tenants.reminders import create_reminder, mark_reminder_sent, reminders_for
from tenants.reports import load_report, load_reports
from tenants.stored_results import board_facts, refresh_results, reports_with_findings, store_results, stored_results
from tenants.submissions import end_of_day, history, latest_accepted, record_submission

__all__ = [
    "add_school",
    "add_unit",
    "assessment_result",
    "audit",
    "audit_entries",
    "board_facts",
    "create_reminder",
    "default_campaign",
    "end_of_day",
    "enrol_school",
    "ensure_campaign",
    "get_campaign",
    "get_school",
    "history",
    "is_enrolled",
    "latest_accepted",
    "latest_assessments",
    "list_campaigns",
    "list_schools",
    "list_units",
    "load_report",
    "load_reports",
    "mark_reminder_sent",
    "onsite_results_for",
    "overrides_for",
    "pin_rulebook",
    "record_override",
    "record_submission",
    "refresh_results",
    "reports_with_findings",
    "reminders_for",
    "save_assessment",
    "save_onsite_results",
    "set_default_campaign",
    "set_deadline_overrides",
    "set_threshold_overrides",
    "store_results",
    "stored_results",
]
