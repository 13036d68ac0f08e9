"""On-site verification from the command line: export sheets, inspectors fill them, results come back."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import openpyxl
from sqlalchemy import func, select

from loaders import verification
from reformboard.cli import main
from tenants.db import make_engine, make_sessionmaker
from tenants.models import AuditEntry
from tests.fixtures.cli import score_json


def fill_inspection(sheet: bytes, results: dict[str, str], rulebook_ids: list[str]) -> bytes:
    """Write the inspectors' words into the exported sheet as an inspector would."""
    wb = openpyxl.load_workbook(io.BytesIO(sheet))
    ws = wb[verification.SHEET]
    for item_id, word in results.items():
        row = verification.item_row(rulebook_ids.index(item_id))
        ws.cell(row, verification.RESULT_COLUMN, word)
        ws.cell(row, verification.NOTE_COLUMN, "现场查阅原始材料")
    signature = verification.signature_row(len(rulebook_ids))
    ws[f"C{signature}"], ws[f"H{signature}"] = "张伟、李娜", datetime(2026, 11, 20)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def submitted_school(capsys) -> dict:
    return next(s for s in score_json(capsys) if s["verdict"] != "未提交")


def test_export_one_school_a_unit_and_the_province(demo_db, tmp_path, capsys):
    school = submitted_school(capsys)
    one = tmp_path / "one.xlsx"
    assert main(["export-sheets", "--tenant", school["tenant"], "-o", str(one)]) == 0
    assert openpyxl.load_workbook(one)[verification.SHEET].cell(verification.FIRST_ITEM_ROW, 1).value == "1.1"
    batch = tmp_path / "all.zip"
    assert main(["export-sheets", "--all", "-o", str(batch)]) == 0
    names = zipfile.ZipFile(batch).namelist()
    submitted = [s for s in score_json(capsys) if s["verdict"] != "未提交"]
    assert "索引.xlsx" in names and len([n for n in names if n.endswith("/验收核查表.xlsx")]) == len(submitted)
    summary = tmp_path / "summary.xlsx"
    assert main(["export-summary", "-o", str(summary)]) == 0
    assert summary.stat().st_size > 0


def test_export_scope_errors(demo_db, tmp_path, capsys):
    assert main(["export-sheets", "--tenant", "0000000000", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "找不到学校" in capsys.readouterr().err
    assert main(["export-sheets", "--unit", "NOPE", "-o", str(tmp_path / "x.zip")]) == 1


def test_exports_make_the_folder_named_by_output_or_say_why_they_cannot(demo_db, tmp_path, capsys):
    school = submitted_school(capsys)
    nested = tmp_path / "核查表" / "广州"
    assert main(["export-sheets", "--tenant", school["tenant"], "-o", str(nested / "one.xlsx")]) == 0
    assert main(["export-summary", "-o", str(nested / "summary.xlsx")]) == 0
    assert main(["template", "-o", str(nested / "template.xlsx")]) == 0
    assert {p.name for p in nested.iterdir()} == {"one.xlsx", "summary.xlsx", "template.xlsx"}
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    capsys.readouterr()
    assert main(["template", "-o", str(blocker / "template.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "无法写入文件" in err and "Traceback" not in err


def test_inspectors_results_come_back_and_their_no_blocks_acceptance(demo_db, tmp_path, capsys):
    school = submitted_school(capsys)
    ids = [item["id"] for item in school["items"]]
    sheet = tmp_path / "sheet.xlsx"
    assert main(["export-sheets", "--tenant", school["tenant"], "-o", str(sheet)]) == 0
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_inspection(sheet.read_bytes(), {"3.1": "不符合", "1.1": "符合"}, ids))

    assert main(["load-inspection", str(filled)]) == 0
    assert "已导入" in capsys.readouterr().out
    after = next(s for s in score_json(capsys) if s["tenant"] == school["tenant"])
    onsite = {item["id"]: item["onsite"] for item in after["items"]}
    assert onsite["3.1"] == {
        "result": "不符合",
        "note": "现场查阅原始材料",
        "inspectors": "张伟、李娜",
        "date": "2026-11-20",
    }
    assert onsite["1.1"]["result"] == "符合" and onsite["2.1"] is None
    assert after["final_verdict"] != "通过验收"  # an inspector's 不符合 is a 不符合

    assert main(["load-inspection", str(filled)]) == 0  # the same sheet again: recognised
    assert "完全相同" in capsys.readouterr().out


def test_a_tampered_sheet_is_refused_and_stores_nothing(demo_db, tmp_path, capsys):
    school = submitted_school(capsys)
    ids = [item["id"] for item in school["items"]]
    sheet = tmp_path / "sheet.xlsx"
    assert main(["export-sheets", "--tenant", school["tenant"], "-o", str(sheet)]) == 0
    wb = openpyxl.load_workbook(io.BytesIO(fill_inspection(sheet.read_bytes(), {"1.1": "很好"}, ids)))
    tampered = tmp_path / "tampered.xlsx"
    wb.save(tampered)
    assert main(["load-inspection", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "已拒收" in out and "很好" in out
    after = next(s for s in score_json(capsys) if s["tenant"] == school["tenant"])
    assert all(item["onsite"] is None for item in after["items"])


def test_a_province_admin_overrides_a_verdict_with_a_reason_and_can_withdraw_it(demo_db, capsys):
    school = submitted_school(capsys)
    code, system = school["tenant"], school["verdict"]
    new = "通过验收" if system != "通过验收" else "限期整改"
    assert main(["override", code, "--verdict", new, "--reason", "现场复核材料齐全，经研究同意改判"]) == 0
    after = next(s for s in score_json(capsys) if s["tenant"] == code)
    assert (after["verdict"], after["final_verdict"]) == (system, new)
    assert after["override"]["reason"] == "现场复核材料齐全，经研究同意改判"
    assert after["override"]["by"].startswith("cli:")
    # The board as it stood before the decision does not show it.
    before = next(s for s in score_json(capsys, "--as-of", "2000-01-01") if s["tenant"] == code)
    assert before["override"] is None

    assert main(["override", code, "--withdraw", "--reason", "撤销：改判依据不足"]) == 0
    withdrawn = next(s for s in score_json(capsys) if s["tenant"] == code)
    assert withdrawn["override"] is None and withdrawn["final_verdict"] == system


def test_an_override_needs_a_real_reason(demo_db, capsys):
    code = submitted_school(capsys)["tenant"]
    assert main(["override", code, "--verdict", "通过验收", "--reason", "同意"]) == 1
    assert "改判理由" in capsys.readouterr().err
    assert next(s for s in score_json(capsys) if s["tenant"] == code)["override"] is None


def test_the_batch_export_carries_each_schools_evidence_pack_and_audits_it(demo_db, tmp_path):
    batch = tmp_path / "all.zip"
    assert main(["export-sheets", "--all", "-o", str(batch)]) == 0
    archive = zipfile.ZipFile(batch)
    evidence = [n for n in archive.namelist() if "/佐证材料/" in n]
    materials = [n for n in archive.namelist() if "/报送材料/" in n]
    assert evidence and materials  # the demo's schools uploaded some of each
    folder, _, name = evidence[0].partition("/佐证材料/")
    item_id = name.split("_", 1)[0]
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(f"{folder}/验收核查表.xlsx")))[verification.SHEET]
    column = 1 + [c.header for c in verification.COLUMNS].index("佐证材料")
    row = next(r for r in range(verification.FIRST_ITEM_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == item_id)
    assert f"→ 佐证材料/{name}" in sheet.cell(row, column).value
    assert archive.read(evidence[0])[:4] in (b"%PDF", b"\x89PNG")
    engine = make_engine(demo_db)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).where(AuditEntry.action == "document_export")) > 0
    engine.dispose()


def evidence_cells(sheet_file) -> list[str]:
    sheet = openpyxl.load_workbook(sheet_file)[verification.SHEET]
    column = 1 + [c.header for c in verification.COLUMNS].index("佐证材料")
    return [sheet.cell(r, column).value or "" for r in range(verification.FIRST_ITEM_ROW, sheet.max_row + 1)]


def test_one_schools_sheet_alone_lists_its_files_without_naming_any_it_does_not_carry(demo_db, tmp_path):
    assert main(["export-sheets", "--all", "-o", str(tmp_path / "all.zip")]) == 0
    batch = zipfile.ZipFile(tmp_path / "all.zip")
    folder = next(n for n in batch.namelist() if "/佐证材料/" in n).split("/")[0]
    code = folder.split("_", 1)[0]
    packed = evidence_cells(io.BytesIO(batch.read(f"{folder}/验收核查表.xlsx")))
    engine = make_engine(demo_db)
    exported = select(func.count()).where(AuditEntry.action == "document_export", AuditEntry.tenant_code == code)
    with make_sessionmaker(engine)() as session:
        before = session.scalar(exported)

    alone = tmp_path / "one.xlsx"
    assert main(["export-sheets", "--tenant", code, "-o", str(alone)]) == 0
    # the same files listed, none named as lying beside the sheet
    assert evidence_cells(alone) == [re.sub(r"→ 佐证材料/[^\n]*", "", cell) for cell in packed] != packed
    with make_sessionmaker(engine)() as session:
        assert session.scalar(exported) == before  # nothing was exported, so no export is recorded

    pack = tmp_path / "one.zip"
    assert main(["export-sheets", "--tenant", code, "-o", str(pack)]) == 0
    names = zipfile.ZipFile(pack).namelist()
    assert f"{folder}/验收核查表.xlsx" in names and any(n.startswith(f"{folder}/佐证材料/") for n in names)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(exported) == before + 1
    engine.dispose()
