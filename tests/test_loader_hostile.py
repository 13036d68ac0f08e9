"""Broken, foreign and hostile uploads are refused with a specific Chinese message, never a crash."""

import io
import zipfile

import pytest

from checks.rulebook import load_rulebook
from loaders.layout import layout
from loaders.limits import Limits
from loaders.problems import ProblemSeverity
from loaders.sniff import UNREADABLE, Format, sniff
from loaders.workbook import read_grids, read_workbook
from tests.fixtures.corpus import foreign_corpus
from tests.fixtures.workbooks import TODAY, far_corner_workbook, filled, large_sheet, rulebook, workbook_bytes, zip_bomb

GUANGDONG = layout(load_rulebook().vocabulary)
DATA_SHEETS = GUANGDONG.sheets
STAFF = GUANGDONG.staff

CORPUS = foreign_corpus()


def refusal(data: bytes, limits: Limits = Limits()) -> str:
    result = read_workbook(data, "上传.xlsx", rulebook(), today=TODAY, limits=limits)
    assert result.report is None
    assert len(result.problems) == 1 and result.problems[0].severity is ProblemSeverity.ERROR
    return result.problems[0].message


def test_an_empty_file():
    assert "空的" in refusal(b"")


@pytest.mark.parametrize(
    "data",
    [
        "姓名,学号,所在组织\n张三,2019001,校学生会\n".encode(),
        "姓名,学号\n张三,2019001\n".encode("gb18030"),
    ],
)
def test_csv_renamed_xlsx(data):
    assert "CSV" in refusal(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        b'\xef\xbb\xbf  <?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
    ],
)
def test_a_web_page_saved_with_an_excel_name(data):
    message = refusal(data)
    assert "网页" in message and "另存为" in message


def test_a_pdf():
    assert "PDF" in refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0\x00\x10JFIF"])
def test_a_picture(data):
    assert "图片" in refusal(data)


def test_bytes_that_are_nothing_we_know():
    assert "无法识别的文件格式" in refusal(bytes(range(256)) * 4)


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "hello")
    assert "压缩包" in refusal(buffer.getvalue())


@pytest.mark.parametrize(
    "name",
    [
        "calamine/pass_protected.xlsx",
        "python-calamine/password.xlsx",
        "python-calamine/password.xls",
        "calamine/pass_protected.ods",
    ],
)
def test_a_password_protected_workbook(name):
    assert refusal((CORPUS / name).read_bytes()) == "文件已设置密码保护，请取消密码后重新上传"


def test_a_zip_bomb_is_refused_before_reading():
    assert "压缩炸弹" in refusal(zip_bomb())


def test_a_zip_bomb_within_the_ratio_is_caught_by_the_inflated_size():
    assert "压缩炸弹" in refusal(zip_bomb(inflated_mb=30), Limits(max_ratio=10**6, max_decompressed=10 * 1024**2))


def test_too_many_zip_entries():
    assert "部件" in refusal(filled(), Limits(max_zip_entries=5))


def test_a_file_over_the_size_limit():
    assert "文件过大" in refusal(filled(), Limits(max_bytes=10_000))


def test_a_cell_at_xfd1048576_that_makes_the_reader_abort():
    assert refusal(far_corner_workbook()) == UNREADABLE


def test_after_a_reader_aborts_the_next_workbook_is_read_as_usual():
    assert refusal(far_corner_workbook()) == UNREADABLE
    assert read_grids(filled(), Limits())  # the reading server outlives its crashed child


@pytest.mark.parametrize(
    ("hostile", "said"),
    [(b"%PDF-1.7\n1 0 obj", "PDF"), (zip_bomb(inflated_mb=30), "压缩炸弹")],
    ids=["pdf", "zip bomb"],
)
def test_after_a_file_refused_by_its_bytes_the_next_workbook_is_read_as_usual(hostile, said):
    # A child starts reading while the bytes are sniffed; the sniff's refusal stops it, so its late answer
    # can never be taken for the next workbook's (read by each idle server in turn).
    limits = Limits(max_ratio=10**6, max_decompressed=10 * 1024**2)
    assert said in refusal(hostile, limits)
    for _ in range(3):
        assert [sheet.name for sheet in read_grids(filled(), Limits())][:2] == ["填报说明", "学校信息"]


def test_a_reader_over_its_memory_cap_is_a_clean_refusal():
    capped = Limits(child_memory=48 * 1024**2)
    assert read_grids(filled(), capped)  # the cap leaves room for a normal workbook …
    assert refusal(large_sheet(), capped) == UNREADABLE  # … but not for a large one


def test_sheets_whose_range_is_too_large_to_read_name_their_last_cell():
    result = read_workbook(filled(), "x.xlsx", rulebook(), today=TODAY, limits=Limits(max_cells=500))
    assert result.report is None
    assert any("L62" in p.message for p in result.problems if p.sheet == STAFF.name)


def test_a_workbook_unrelated_to_the_template():
    message = refusal(workbook_bytes({"Sheet1": [["销售额", "地区"], [100, "广州"]]}))
    assert all(sheet.name in message for sheet in DATA_SHEETS)


def test_a_roster_longer_than_the_limit():
    result = read_workbook(filled(), "x.xlsx", rulebook(), today=TODAY, limits=Limits(max_roster_rows=20))
    assert result.report is None
    [problem] = [p for p in result.problems if p.sheet == STAFF.name]
    assert "上限为 20 行" in problem.message


def test_the_format_comes_from_the_bytes_not_the_name():
    assert sniff(filled(), Limits()) is Format.XLSX
    assert sniff((CORPUS / "calamine/vba.xlsm").read_bytes(), Limits()) is Format.XLSM
    assert sniff((CORPUS / "calamine/date.ods").read_bytes(), Limits()) is Format.ODS
    assert sniff((CORPUS / "calamine/date.xls").read_bytes(), Limits()) is Format.XLS
