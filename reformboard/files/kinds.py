"""What a document is, decided by its bytes (never its name), and the refusal every check raises."""

from __future__ import annotations

import io
import zipfile
import zlib
from enum import StrEnum

from checks.errors import DomainError
from loaders.limits import Limits
from loaders.problems import Refusal
from loaders.sniff import check_archive

ACCEPTED = "佐证材料请上传 PDF、JPG、PNG、DOCX 或 XLSX 文件"
_OFFICE_RESAVE = "请用 Word、Excel 或 WPS 打开后另存为 PDF 再上传。"


class FileRefused(DomainError):
    """The document is not stored; str() says why and what to do, in Chinese."""


class FileKind(StrEnum):
    PDF = "PDF"
    PNG = "PNG"
    JPEG = "JPG"
    DOCX = "DOCX"
    XLSX = "XLSX"

    @property
    def mime(self) -> str:
        return _MIME[self]

    @property
    def extension(self) -> str:
        return f".{self.value.lower()}"


_MIME = {
    FileKind.PDF: "application/pdf",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(data: bytes, limits: Limits) -> FileKind:
    """The document's kind, or FileRefused saying what it is instead. Office archives are checked for zip
    bombs here, before anything opens them."""
    if not data:
        raise FileRefused("上传的文件是空的（0 字节），请重新选择文件。")
    if b"%PDF-" in data[:1024]:  # the specification lets a little junk precede the header
        return FileKind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data, limits)
    if data.startswith(_OLE):
        raise FileRefused("这是旧版 Office 文件（.doc/.xls）或设置了密码的文件，系统无法检查。" + _OFFICE_RESAVE)
    if data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise FileRefused(
            "这是一个网页（HTML/XML）文件，并不是它的扩展名所示的格式。请在浏览器中“打印为 PDF”后上传 PDF 文件。"
        )
    raise FileRefused(f"无法识别的文件类型（系统按文件内容判断，不看扩展名）。{ACCEPTED}。")


def _office_kind(data: bytes, limits: Limits) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, limits, _OFFICE_RESAVE)
            names = set(archive.namelist())
    except Refusal as refusal:
        raise FileRefused(str(refusal)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        raise FileRefused("文件已损坏，无法读取。" + _OFFICE_RESAVE) from None
    if any(name.endswith("vbaProject.bin") for name in names):  # macros run on an inspector's computer
        raise FileRefused("文件包含宏（VBA 代码），系统不接收。" + _OFFICE_RESAVE)
    if "word/document.xml" in names:
        return FileKind.DOCX
    if "xl/workbook.xml" in names:
        return FileKind.XLSX
    raise FileRefused(f"这是一个压缩包，不是 Word 或 Excel 文件。请解压后上传其中的文件。{ACCEPTED}。")
