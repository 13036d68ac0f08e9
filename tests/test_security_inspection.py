"""A verification sheet is bound to the submission it was exported from (hardening issue #10, item 4).

School A's filled sheet, its hidden metadata edited to name school B, must not put A's on-site results
into B: the metadata carries a digest of itself, the submission it names must be the named school's
own, and every refusal says which school and submission the sheet was exported for; `load-inspection`
exits 1. On both databases.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.rulebook import load_rulebook
from loaders import verification
from loaders.template import fill_template
from loaders.verification_sheet import verification_sheet
from reformboard.cli import main
from reformboard.services.exports import verification_inputs
from reformboard.services.inspections import InspectionOutcome, load_inspection
from reformboard.services.uploads import ingest
from reformboard.settings import Settings
from tenants.models import OnsiteResultRow, Submission
from tenants.principal import Principal, UserRole, local_operator
from tests.conftest import PROVINCE, Directory
from tests.fixtures.cli import score_json
from tests.fixtures.reports import minimal_compliant_report

RULEBOOK = load_rulebook()
IDS = [item.id for item in RULEBOOK.items]
AS_OF = date(2020, 11, 1)
ADMIN = Principal(username="province.admin", role=UserRole.PROVINCE_ADMIN)
A_NAME, B_NAME = "广州示范大学", "广州职业技术学院"  # the directory fixture's two schools


def submit(session: Session, code: str, name: str) -> Submission:
    report = minimal_compliant_report()
    report = replace(report, school=replace(report.school, code=code, name=name))
    outcome = ingest(
        session,
        data=fill_template(report, RULEBOOK, RULEBOOK.campaign),
        filename=f"{code}.xlsx",
        principal=local_operator("test"),
        campaign=RULEBOOK.campaign,
        rulebook=RULEBOOK,
        limits=Settings.from_env().limits(),
        target_tenant=code,
        now=datetime(2020, 10, 31, 2, tzinfo=UTC),
    )
    assert outcome.accepted, outcome.problems
    session.commit()
    return session.get(Submission, outcome.submission_id)


@pytest.fixture
def schools(session: Session, directory: Directory) -> tuple[Submission, Submission]:
    """One accepted submission of school A (directory.school) and one of school B (other_school)."""
    return submit(session, directory.school, A_NAME), submit(session, directory.other_school, B_NAME)


def filled_sheet(session: Session, code: str, edit=None) -> bytes:
    """The school's exported sheet with two results and the signature filled in, then `edit(wb)`."""
    [entry] = verification_inputs(session, PROVINCE, RULEBOOK, RULEBOOK.campaign, AS_OF, [code]).entries
    wb = openpyxl.load_workbook(io.BytesIO(verification_sheet(entry.context, RULEBOOK, entry.report, entry.assessment)))
    ws = wb[verification.SHEET]
    for item_id, word in (("1.1", "符合"), ("3.1", "不符合")):
        ws.cell(verification.item_row(IDS.index(item_id)), verification.RESULT_COLUMN, word)
    signature = verification.signature_row(len(IDS))
    ws[f"C{signature}"], ws[f"H{signature}"] = "张伟、李娜", datetime(2020, 11, 20)
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tamper(wb: openpyxl.Workbook, *, digests: bool, reprint: bool = False, **facts: str) -> None:
    """Overwrite facts of the hidden _meta sheet. A forger who read the code also reprints the title block
    to match (reprint) and recomputes the header digest and the metadata's own digest (digests)."""
    meta, ws = wb[verification.META_SHEET], wb[verification.SHEET]
    cells = {key.value: value for key, value in meta.iter_rows(min_col=1, max_col=2)}
    for key, value in facts.items():
        cells[key].value = value
    if reprint:
        ws.cell(*verification.SCHOOL_FACT).value = f"学校：{cells['school_name'].value}（{cells['school_code'].value}）"
        ws.cell(*verification.SUBMISSION_FACT).value = f"提交编号：{cells['submission_id'].value}"
        cells["header_digest"].value = verification.header_digest(ws)
    if digests:
        cells[verification.META_DIGEST].value = verification.meta_digest(
            meta.iter_rows(min_col=1, max_col=3, values_only=True)
        )


def load(session: Session, data: bytes) -> InspectionOutcome:
    outcome = load_inspection(
        session, data, principal=ADMIN, campaign=RULEBOOK.campaign, limits=Settings.from_env().limits()
    )
    session.commit()
    return outcome


def refusal(outcome: InspectionOutcome) -> str:
    assert not outcome.stored and not outcome.result.accepted and outcome.result.results == {}
    return "\n".join(p.message for p in outcome.result.problems if p.is_error)


def stored_results(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OnsiteResultRow))


def test_the_untouched_sheet_is_stored_against_its_own_submission(session, directory, schools):
    a, _ = schools
    outcome = load(session, filled_sheet(session, directory.school))
    assert outcome.stored
    rows = session.scalars(select(OnsiteResultRow)).all()
    assert {(r.tenant_code, r.submission_id) for r in rows} == {(directory.school, a.id)}


def test_editing_only_the_hidden_metadata_to_name_another_school_is_refused(session, directory, schools):
    a, _ = schools
    data = filled_sheet(
        session,
        directory.school,
        lambda wb: tamper(wb, digests=False, school_code=directory.other_school, school_name=B_NAME),
    )
    message = refusal(load(session, data))
    assert "隐藏的校验信息（_meta）被改动" in message
    assert f"这份核查表是为{A_NAME}（{directory.school}）的提交 {a.id} 导出的" in message
    assert stored_results(session) == 0


def test_a_recomputed_digest_does_not_move_a_sheet_to_a_school_its_submission_is_not_of(session, directory, schools):
    a, _ = schools
    data = filled_sheet(
        session,
        directory.school,
        lambda wb: tamper(wb, digests=True, reprint=True, school_code=directory.other_school, school_name=B_NAME),
    )
    message = refusal(load(session, data))
    assert f"提交 {a.id} 是{A_NAME}（{directory.school}）的，不是{B_NAME}（{directory.other_school}）的" in message
    assert f"这份核查表是为{A_NAME}（{directory.school}）的提交 {a.id} 导出的" in message
    assert stored_results(session) == 0


def test_metadata_naming_another_schools_own_submission_is_refused_by_the_printed_title(session, directory, schools):
    a, b = schools
    data = filled_sheet(
        session,
        directory.school,
        lambda wb: tamper(
            wb,
            digests=True,
            school_code=directory.other_school,
            school_name=B_NAME,
            submission_id=str(b.id),
            submission_sha256=b.sha256,
        ),
    )
    message = refusal(load(session, data))
    assert f"表头写明这份核查表是为{A_NAME}（{directory.school}）的提交 {a.id} 导出的" in message
    assert f"隐藏信息却写{B_NAME}（{directory.other_school}）的提交 {b.id}" in message
    assert stored_results(session) == 0


def test_a_submission_id_the_campaign_does_not_hold_is_refused(session, directory, schools):
    data = filled_sheet(
        session, directory.school, lambda wb: tamper(wb, digests=True, reprint=True, submission_id="999999")
    )
    message = refusal(load(session, data))
    assert f"核查表写明是为{A_NAME}（{directory.school}）的提交 999999 导出的，但本批次没有这次提交" in message
    assert stored_results(session) == 0


def test_a_file_digest_that_is_not_the_submissions_is_refused(session, directory, schools):
    a, b = schools
    data = filled_sheet(session, directory.school, lambda wb: tamper(wb, digests=True, submission_sha256=b.sha256))
    message = refusal(load(session, data))
    assert f"核查表记录的文件校验码与{A_NAME}（{directory.school}）的提交 {a.id} 的文件不符" in message
    assert stored_results(session) == 0


def test_a_sheet_of_the_format_before_the_digest_asks_for_a_new_export(session, directory, schools):
    data = filled_sheet(session, directory.school, lambda wb: tamper(wb, digests=True, version="1"))
    assert "旧版本系统导出" in refusal(load(session, data))


def test_load_inspection_refuses_a_sheet_whose_metadata_names_another_school(demo_db, tmp_path, capsys):
    submitted = [s for s in score_json(capsys) if s["verdict"] != "未提交"]
    school, other = submitted[0], submitted[1]
    exported = tmp_path / "sheet.xlsx"
    assert main(["export-sheets", "--tenant", school["tenant"], "-o", str(exported)]) == 0
    wb = openpyxl.load_workbook(exported)
    wb[verification.SHEET].cell(verification.FIRST_ITEM_ROW, verification.RESULT_COLUMN, "符合")
    wb[verification.SHEET][f"C{verification.signature_row(len(IDS))}"] = "张伟"
    tamper(wb, digests=False, school_code=other["tenant"], school_name=other["school"])
    tampered = tmp_path / "tampered.xlsx"
    wb.save(tampered)
    capsys.readouterr()
    assert main(["load-inspection", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "已拒收" in out and f"{school['school']}（{school['tenant']}）的提交" in out
    after = {s["tenant"]: s for s in score_json(capsys)}
    assert all(item["onsite"] is None for code in (school["tenant"], other["tenant"]) for item in after[code]["items"])
