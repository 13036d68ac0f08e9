"""Documents are hostile until proven otherwise (#14 item 4): typed by content, opened only in the sandbox,
refused with a Chinese message saying what to do — never a crash."""

from __future__ import annotations

import io
import zipfile

import pytest

from reformboard.files.inspect import inspect_file
from reformboard.files.kinds import FileKind, FileRefused
from reformboard.files.limits import FileLimits
from tests.fixtures.documents import (
    docx_inflating_to,
    encrypted_pdf,
    good_docx,
    good_pdf,
    good_png,
    html_named_pdf,
    huge_image,
    many_pages_pdf,
    truncated_pdf,
)
from tests.fixtures.workbooks import zip_bomb

LIMITS = FileLimits()


def refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as refused:
        inspect_file(data, LIMITS)
    return str(refused.value)


def test_a_pdf_gives_its_page_count_and_a_png_thumbnail_of_its_first_page():
    inspected = inspect_file(good_pdf(3), LIMITS)
    assert (inspected.kind, inspected.pages) == (FileKind.PDF, 3)
    assert inspected.thumbnail.startswith(b"\x89PNG")


def test_an_image_is_one_page_with_a_thumbnail_and_an_office_file_is_only_typed():
    assert inspect_file(good_png(), LIMITS).pages == 1
    docx = inspect_file(good_docx(), LIMITS)
    assert (docx.kind, docx.pages, docx.thumbnail) == (FileKind.DOCX, None, None)


def test_an_encrypted_pdf_is_refused():
    assert "密码" in refusal(encrypted_pdf())


def test_a_truncated_pdf_is_refused():
    assert "不完整" in refusal(truncated_pdf())


def test_a_pdf_of_5000_pages_is_refused_naming_the_count_and_the_limit():
    message = refusal(many_pages_pdf())
    assert "5000 页" in message and f"{LIMITS.max_pages} 页" in message


def test_a_zip_bomb_named_pdf_is_refused_as_what_it_is():
    assert "压缩炸弹" in refusal(zip_bomb())


def test_an_image_of_30000_by_30000_pixels_is_refused_before_decoding():
    assert "30000 × 30000 像素" in refusal(huge_image())


def test_an_html_file_named_pdf_is_refused_as_a_web_page():
    assert "网页" in refusal(html_named_pdf())


def test_a_docx_with_a_part_inflating_to_1_gb_is_refused():
    assert "压缩炸弹" in refusal(docx_inflating_to(1))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(FileRefused, match="单个文件上限为 1 MB"):
        inspect_file(good_pdf() + bytes(1024**2), FileLimits(max_bytes=1024**2))


def test_an_office_file_carrying_macros_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    assert "宏" in refusal(buffer.getvalue())
