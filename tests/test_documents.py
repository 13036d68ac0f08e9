"""Required materials and evidence files, stored on both databases (#14 items 1, 2, 5): dated like
submissions, superseded but never deleted, stored once per content, refused when hostile, scoped to
the school, audited; `reformboard material add` and `reformboard check-files`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from checks.materials import MaterialState, material_statuses
from checks.rulebook import load_rulebook
from reformboard.errors import UserFacingError
from reformboard.files.check import check_files
from reformboard.files.kinds import FileRefused
from reformboard.files.limits import FileLimits
from reformboard.files.store import FileStore
from reformboard.services.materials import Upload, open_document, upload_document
from tenants.access import AccessDenied, scoped_transaction
from tenants.documents import AlreadySuperseded, document_history, in_force, material_receipts, record_document
from tenants.models import AuditEntry, Document, DocumentPurpose
from tenants.principal import Principal, UserRole
from tests.conftest import PROVINCE
from tests.fixtures.documents import encrypted_pdf, good_docx, good_pdf, good_png
from tests.fixtures.reports import UNIT_KINDS

RULEBOOK = load_rulebook()
SCHOOL = "4144010558"
OTHER = "4144010559"
SCHOOL_USER = Principal("school-user", UserRole.SCHOOL, tenant_code=SCHOOL)
UNIT_USER = Principal("city-user", UserRole.UNIT, unit_code="4401")
LATE = datetime(2020, 6, 12, 3, tzinfo=UTC)  # 11:00 on 12 June in China, two days after the plan's due date


@pytest.fixture
def files(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


def upload(session, directory, files, principal, data, *, purpose=DocumentPurpose.MATERIAL, subject="plan", **kw):
    fields = {k: kw.pop(k) for k in ("title", "document_date", "replaces") if k in kw}
    return upload_document(
        session,
        principal,
        files,
        FileLimits(),
        directory.campaign,
        RULEBOOK,
        SCHOOL,
        Upload(purpose, subject, "扫描件.pdf", data, **fields),
        **kw,
    )


def statuses(session, directory, as_of):
    receipts = material_receipts(session, PROVINCE, directory.campaign.id, None)
    return {
        s.material.id: (s.state, s.received_on)
        for s in material_statuses(RULEBOOK.submissions, directory.campaign, receipts.get(SCHOOL, {}), as_of)
    }


def test_a_material_uploaded_by_the_school_on_time_is_sent_and_one_backfilled_late_is_late(session, directory, files):
    upload(session, directory, files, SCHOOL_USER, good_pdf(2), now=datetime(2020, 6, 9, 2, tzinfo=UTC))
    upload(
        session,
        directory,
        files,
        PROVINCE,
        good_pdf(3),
        subject="completion",
        received_on=date(2020, 10, 16),
        now=datetime(2020, 11, 1, tzinfo=UTC),
    )
    assert statuses(session, directory, date(2020, 11, 1)) == {
        "plan": (MaterialState.SENT, date(2020, 6, 9)),
        "completion": (MaterialState.LATE, date(2020, 10, 16)),
    }
    assert statuses(session, directory, date(2020, 6, 8))["plan"] == (MaterialState.MISSING, None)


def test_a_material_received_after_its_due_day_china_time_is_late(session, directory, files):
    upload(session, directory, files, SCHOOL_USER, good_pdf(), now=LATE)
    assert statuses(session, directory, date(2020, 7, 1))["plan"] == (MaterialState.LATE, date(2020, 6, 12))


def test_only_a_province_administrator_backfills_a_received_day(session, directory, files):
    with pytest.raises(AccessDenied):
        upload(session, directory, files, SCHOOL_USER, good_pdf(), received_on=date(2020, 6, 1))


def test_a_material_must_be_a_pdf(session, directory, files):
    with pytest.raises(FileRefused, match="PDF"):
        upload(session, directory, files, SCHOOL_USER, good_png())


def test_a_new_copy_of_a_material_supersedes_the_old_one_and_keeps_its_first_day(session, directory, files):
    first = upload(session, directory, files, SCHOOL_USER, good_pdf(1), now=datetime(2020, 6, 1, tzinfo=UTC))
    second = upload(session, directory, files, SCHOOL_USER, good_pdf(2), now=LATE)
    assert second.replaces_id == first.id
    assert [d.id for d in in_force(session, PROVINCE, directory.campaign.id, [SCHOOL], "test")] == [second.id]
    assert statuses(session, directory, date(2020, 7, 1))["plan"] == (MaterialState.SENT, date(2020, 6, 1))


def test_replacing_evidence_supersedes_it_and_the_history_keeps_both(session, directory, files):
    evidence = dict(purpose=DocumentPurpose.EVIDENCE, subject="1.2", document_date=date(2020, 5, 20))
    old = upload(session, directory, files, SCHOOL_USER, good_pdf(1), title="动员会通知", **evidence)
    kept = upload(session, directory, files, SCHOOL_USER, good_png(), title="动员会照片", **evidence)
    new = upload(
        session, directory, files, SCHOOL_USER, good_docx(), title="动员会通知（盖章）", replaces=old.id, **evidence
    )
    current = in_force(session, PROVINCE, directory.campaign.id, [SCHOOL], "test")
    assert {d.id for d in current} == {kept.id, new.id}
    assert {d.id for d in document_history(session, PROVINCE, SCHOOL, directory.campaign.id)} == {
        old.id,
        kept.id,
        new.id,
    }
    with pytest.raises(UserFacingError, match="无法替换"):
        upload(session, directory, files, SCHOOL_USER, good_pdf(4), title="再换", replaces=old.id, **evidence)


def test_evidence_needs_a_known_sub_item_and_a_short_title(session, directory, files):
    with pytest.raises(UserFacingError, match="子项"):
        upload(
            session,
            directory,
            files,
            SCHOOL_USER,
            good_pdf(),
            purpose=DocumentPurpose.EVIDENCE,
            subject="99.9",
            title="x",
        )
    with pytest.raises(UserFacingError, match="标题"):
        upload(session, directory, files, SCHOOL_USER, good_pdf(), purpose=DocumentPurpose.EVIDENCE, subject="1.2")


def test_the_same_bytes_are_stored_once_and_a_refused_file_stores_nothing(session, directory, files):
    data = good_pdf(2)
    upload(session, directory, files, SCHOOL_USER, data)
    upload(session, directory, files, PROVINCE, data, subject="completion")
    with pytest.raises(FileRefused):
        upload(session, directory, files, SCHOOL_USER, encrypted_pdf())
    assert len(list(files.hashes())) == 1
    assert session.scalar(select(Document.id).where(Document.kind != "PDF")) is None


def test_a_school_over_its_quota_is_refused(session, directory, files):
    upload(session, directory, files, SCHOOL_USER, good_pdf(1))
    with pytest.raises(FileRefused, match="上限"):
        upload_document(
            session,
            SCHOOL_USER,
            files,
            FileLimits(max_school_bytes=len(good_pdf(1)) + 10),
            directory.campaign,
            RULEBOOK,
            SCHOOL,
            Upload(DocumentPurpose.MATERIAL, "plan", "b.pdf", good_pdf(2)),
        )


def test_the_school_its_city_and_the_province_read_a_file_another_school_cannot(session, directory, files):
    document = upload(session, directory, files, SCHOOL_USER, good_pdf())
    for reader in (SCHOOL_USER, UNIT_USER, PROVINCE):
        assert open_document(session, reader, files, document.id)[1] == good_pdf()
    for outsider in (
        Principal("other", UserRole.SCHOOL, tenant_code=OTHER),
        Principal("sz", UserRole.UNIT, unit_code="4403"),
    ):
        with pytest.raises(AccessDenied):
            open_document(session, outsider, files, document.id)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.tenant_code == SCHOOL)).all()
    assert actions.count("document_upload") == 1 and actions.count("document_view") == 3


def test_check_files_reports_missing_corrupt_and_unnamed_files(session, directory, files):
    intact = upload(session, directory, files, SCHOOL_USER, good_pdf(1))
    gone = upload(session, directory, files, SCHOOL_USER, good_pdf(2), subject="completion")
    altered = upload(
        session,
        directory,
        files,
        SCHOOL_USER,
        good_pdf(3),
        purpose=DocumentPurpose.EVIDENCE,
        subject="1.2",
        title="通知",
    )
    stray = files.put(b"a file nothing names")
    files.path(gone.sha256).unlink()
    files.path(altered.sha256).write_bytes(b"changed")
    report = check_files(session, files)
    assert report.missing == {gone.sha256: [gone.id]}
    assert report.corrupt == {altered.sha256: [altered.id]}
    assert report.unnamed == [stray]
    assert not report.ok and intact.sha256 not in report.missing


def test_material_add_backfills_and_check_files_passes(reformboard, engine, tmp_path):
    from tenants import store
    from tenants.db import make_sessionmaker

    with make_sessionmaker(engine).begin() as session:
        store.add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
        store.add_school(session, SCHOOL, "广州示范大学", "4401", "本科")
        store.ensure_campaign(session, RULEBOOK.campaign)
    pdf = tmp_path / "推进计划.pdf"
    pdf.write_bytes(good_pdf(2))
    code, out, _ = reformboard(
        "material", "add", "--tenant", SCHOOL, "--material", "plan", str(pdf), "--received-on", "2020-06-15"
    )
    assert code == 0 and "2 页" in out and "2020-06-15" in out
    code, out, _ = reformboard("check-files")
    assert code == 0 and "全部文件完好" in out
    code, out, _ = reformboard("material", "add", "--tenant", SCHOOL, "--material", "nope", str(pdf))
    assert code == 1 and "plan" in out + _


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_app_role_reads_and_writes_only_its_schools_documents(app, session, directory, files):
    """Row-level security on the documents table: the database itself, not only the access layer."""
    upload(session, directory, files, PROVINCE, good_pdf(1))
    session.commit()
    other = Principal("other", UserRole.SCHOOL, tenant_code=OTHER)
    with scoped_transaction(app, other) as scoped:
        assert scoped.scalars(select(Document)).all() == []
    with scoped_transaction(app, SCHOOL_USER) as scoped:
        assert [d.tenant_code for d in scoped.scalars(select(Document))] == [SCHOOL]
    with pytest.raises(DBAPIError, match="row-level security"), scoped_transaction(app, other, writes=True) as scoped:
        upload_document(
            scoped,
            PROVINCE,
            files,
            FileLimits(),
            directory.campaign,
            RULEBOOK,
            SCHOOL,
            Upload(DocumentPurpose.MATERIAL, "completion", "x.pdf", good_pdf(2)),
        )


def test_two_replacements_of_one_file_at_once_keep_the_first_and_refuse_the_second(session, directory, files):
    evidence = dict(purpose=DocumentPurpose.EVIDENCE, subject="1.2")
    old = upload(session, directory, files, SCHOOL_USER, good_pdf(1), title="通知", **evidence)
    first = upload(session, directory, files, SCHOOL_USER, good_pdf(2), title="通知（新）", replaces=old.id, **evidence)
    fields = {
        c.key: getattr(first, c.key)
        for c in Document.__table__.columns
        if c.key not in ("id", "received_at", "backfilled", "uploaded_at")
    }
    with pytest.raises(AlreadySuperseded):  # what a concurrent upload that also saw `old` in force writes
        record_document(session, received_on=None, uploaded_at=first.uploaded_at, **fields)


def test_a_city_committee_opens_its_schools_materials_but_not_their_evidence(session, directory, files):
    plan = upload(session, directory, files, SCHOOL_USER, good_pdf(1))
    sheet = upload(
        session,
        directory,
        files,
        SCHOOL_USER,
        good_png(),
        purpose=DocumentPurpose.EVIDENCE,
        subject="2.1",
        title="签到表",
    )
    assert open_document(session, UNIT_USER, files, plan.id)[1] == good_pdf(1)
    with pytest.raises(AccessDenied, match="学生个人信息"):
        open_document(session, UNIT_USER, files, sheet.id)
    assert open_document(session, PROVINCE, files, sheet.id)[1] == good_png()
