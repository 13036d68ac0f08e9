"""Decide what an upload is from its bytes (never its name), and refuse zip bombs before reading.

Every refusal is a `Refusal` carrying the Chinese message the school sees.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from enum import StrEnum

from loaders.limits import Limits
from loaders.problems import Refusal

_RESAVE = "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再上传。"
UNREADABLE = "文件无法读取（文件损坏或内容异常），请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
PASSWORD = "文件已设置密码保护，请取消密码后重新上传"
_CHUNK = 1024 * 1024


class Format(StrEnum):
    """The container we detected; the value is the extension the reader is given."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"

    @property
    def openpyxl_can_copy(self) -> bool:
        return self in (Format.XLSX, Format.XLSM)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# An encrypted .xls: the workbook's BOF record (BIFF8, globals) directly followed by a FILEPASS record.
# The reader gets the bytes without a file name, so calamine cannot tell this case apart by itself.
_ENCRYPTED_XLS = re.compile(rb"\x09\x08\x10\x00\x00\x06\x05\x00.{12}\x2f\x00", re.DOTALL)
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff(data: bytes, limits: Limits) -> Format:
    """The workbook format of `data`, or a Refusal saying what the file is instead."""
    if not data:
        raise Refusal("上传的文件是空的（0 字节），请重新选择填好的 Excel 文件上传。")
    if len(data) > limits.max_bytes:
        raise Refusal(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {limits.max_bytes // 1024 // 1024} MB。"
            "请删除图片、多余的工作表和空行后再上传。"
        )
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, limits)
    if data.startswith(_OLE):
        if all(name in data for name in _ENCRYPTED_STREAMS) or _ENCRYPTED_XLS.search(data):
            raise Refusal(PASSWORD)
        return Format.XLS
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        raise Refusal("这是一个网页（HTML/XML）格式的文件，只是扩展名为 Excel，系统无法读取。" + _RESAVE)
    if data.startswith(b"%PDF"):
        raise Refusal("这是一个 PDF 文件，不是 Excel 表格。请上传填好的 Excel 模板（.xlsx）。")
    if data.startswith(_IMAGES):
        raise Refusal("这是一个图片文件，不是 Excel 表格。请上传填好的 Excel 模板（.xlsx），不要上传截图或照片。")
    if _looks_like_text(data):
        raise Refusal("这是一个纯文本或 CSV 文件，不是 Excel 表格。" + _RESAVE)
    raise Refusal("无法识别的文件格式。请上传填好的 Excel 模板（.xlsx）。")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return sample.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # a character cut at the sample's end
                return True
    return False


def _zip_format(data: bytes, limits: Limits) -> Format:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive:
            check_archive(archive, limits)
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").strip() == _ODS_MIME:
                    _refuse_encrypted_ods(archive)
                    return Format.ODS
                raise Refusal("这是一个 OpenDocument 文档，但不是电子表格。" + _RESAVE)
            if "xl/workbook.bin" in names:
                return Format.XLSB
            if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
                return Format.XLSM if "xl/vbaProject.bin" in names else Format.XLSX
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise Refusal("这是一个 Word 或 PowerPoint 文件，不是 Excel 表格。请上传填好的 Excel 模板（.xlsx）。")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        raise Refusal(UNREADABLE) from None
    raise Refusal("这是一个压缩包，不是 Excel 表格。请解压后上传填好的 Excel 模板（.xlsx）。")


def _refuse_encrypted_ods(archive: zipfile.ZipFile) -> None:
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise Refusal(PASSWORD)


def check_archive(archive: zipfile.ZipFile, limits: Limits, resave: str = _RESAVE) -> None:
    """Refuse zip bombs: too many entries, too large declared or actual sizes, absurd ratios. Any Office
    file is such an archive (evidence DOCX/XLSX too); `resave` tells the user what to do instead."""
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise Refusal(f"文件内部结构异常（包含 {len(entries)} 个部件），无法读取。" + resave)
    if sum(e.file_size for e in entries) > limits.max_decompressed:
        raise Refusal(_bomb(resave))
    for entry in entries:
        if entry.file_size > limits.max_ratio * max(entry.compress_size, 1024):
            raise Refusal(_bomb(resave))
    _inflate_all(archive, entries, limits.max_decompressed, resave)


def _inflate_all(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], cap: int, resave: str) -> None:
    """Inflate every entry, counting bytes, so a header that lies about its size is caught too."""
    total = 0
    for entry in entries:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise Refusal(_bomb(resave))


def _bomb(resave: str) -> str:
    return "文件解压后的内容异常巨大（疑似压缩炸弹或包含大量空白格式），无法读取。" + resave
