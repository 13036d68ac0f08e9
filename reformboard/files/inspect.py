"""Prove a document harmless before storing it: its kind by content, then a look inside, in a sandbox.

PDFs and images are opened only in a resource-limited child process (loaders.sandbox.run_isolated, the
workbooks' mechanism) that answers the page count and a first-page thumbnail; Office archives were
already checked for zip bombs by kind_of and are never opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from loaders.problems import Refusal
from loaders.sandbox import run_isolated
from reformboard.files.kinds import FileKind, FileRefused, kind_of
from reformboard.files.limits import FileLimits

_CHILD = "reformboard.files.preview_child"
_EOF_WINDOW = 1024  # a PDF ends with %%EOF within its last kilobyte


@dataclass(frozen=True)
class Inspected:
    kind: FileKind
    pages: int | None  # PDFs and images (1); None for Office files
    thumbnail: bytes | None  # PNG of the first page


def inspect_file(data: bytes, limits: FileLimits) -> Inspected:
    """What the document is, or FileRefused with a Chinese message saying what to do."""
    if len(data) > limits.max_bytes:
        raise FileRefused(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），单个文件上限为 {limits.max_bytes // 1024 // 1024} MB。"
            "请降低扫描分辨率（300 dpi 即可）或拆分后上传。"
        )
    kind = kind_of(data, limits.sandbox)
    if kind is FileKind.PDF and b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise FileRefused("PDF 文件不完整（可能下载或复制时中断），请重新导出或扫描后上传完整的文件。")
    if kind in (FileKind.DOCX, FileKind.XLSX):
        return Inspected(kind, None, None)
    answer, thumbnail = _preview(data, kind, limits)
    _refuse_unless_ok(answer, kind, limits)
    return Inspected(kind, int(answer["pages"]), thumbnail)


def _preview(data: bytes, kind: FileKind, limits: FileLimits) -> tuple[dict, bytes]:
    args = [kind.value, str(limits.max_pages), str(limits.max_pixels), str(limits.thumbnail_px)]
    try:
        stdout = run_isolated(_CHILD, data, limits.sandbox, args)
        line, _, thumbnail = stdout.partition(b"\n")
        return json.loads(line), thumbnail
    except (Refusal, ValueError):  # the child crashed, ran out of time or memory, or answered nonsense
        return {"verdict": "unreadable"}, b""


def _refuse_unless_ok(answer: dict, kind: FileKind, limits: FileLimits) -> None:
    verdict = answer.get("verdict")
    if verdict == "ok":
        return
    if verdict == "encrypted":
        raise FileRefused("PDF 文件设置了密码或加密保护，系统无法查看。请取消密码保护（或重新扫描）后上传。")
    if verdict == "pages":
        raise FileRefused(
            f"PDF 文件共 {answer.get('pages')} 页，超过上限 {limits.max_pages} 页。请只上传所需的材料，或拆分后分别上传。"
        )
    if verdict == "pixels":
        width, height = answer.get("pixels", (0, 0))
        raise FileRefused(
            f"图片尺寸过大（{width} × {height} 像素），上限为 {limits.max_pixels // 1_000_000} 百万像素。"
            "请缩小图片或以 300 dpi 重新扫描后上传。"
        )
    what = "PDF 文件" if kind is FileKind.PDF else "图片"
    raise FileRefused(f"{what}已损坏或内容异常，无法打开。请重新导出或扫描后上传。")
