"""What runs inside the reading child for a PDF or an image: limits first, then PDFium or Pillow.

    python -m reformboard.files.preview_child SIZE MEMORY SECONDS KIND MAX_PAGES MAX_PIXELS THUMB_PX < file

Answers one JSON line ({"verdict": ..., "pages": ...}) followed by the first page's thumbnail as PNG.
The verdict is "ok", "encrypted", "pages" (too many), "pixels" (too many) or "unreadable".
"""

from __future__ import annotations

import io
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

from loaders.reader_child import limit_self, read_input


def preview(data: bytes, kind: str, max_pages: int, max_pixels: int, thumb_px: int) -> tuple[dict, bytes]:
    try:
        return _pdf(data, max_pages, thumb_px) if kind == "PDF" else _image(data, max_pixels, thumb_px)
    except Exception as exc:  # any failure to parse is the same refusal
        return {"verdict": "unreadable", "why": type(exc).__name__}, b""


def _pdf(data: bytes, max_pages: int, thumb_px: int) -> tuple[dict, bytes]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # after the limits: its allocations count against them

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return {"verdict": "encrypted" if "password" in str(exc).lower() else "unreadable"}, b""
    # -1 when there is no security handler; an owner-password-only PDF opens but is refused all the same.
    if pdfium.raw.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        return {"verdict": "encrypted"}, b""
    pages = len(document)
    if pages == 0:
        return {"verdict": "unreadable"}, b""
    if pages > max_pages:
        return {"verdict": "pages", "pages": pages}, b""
    page = document[0]
    width, height = page.get_size()
    image = page.render(scale=thumb_px / max(width, height, 1)).to_pil()
    return {"verdict": "ok", "pages": pages}, _png(image)


def _image(data: bytes, max_pixels: int, thumb_px: int) -> tuple[dict, bytes]:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # checked below from the header, before any pixel is decoded
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > max_pixels:
        return {"verdict": "pixels", "pixels": [image.width, image.height]}, b""
    image.load()  # decodes everything: a truncated or corrupt image fails here
    image.thumbnail((thumb_px, thumb_px))
    return {"verdict": "ok", "pages": 1}, _png(image.convert("RGB"))


def _png(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


if __name__ == "__main__":
    _size, _memory, _seconds, _kind, _max_pages, _max_pixels, _thumb_px = sys.argv[1:]
    limit_self(int(_memory), int(_seconds))
    _data, _ = read_input(int(_size))
    _answer, _thumbnail = preview(_data, _kind, int(_max_pages), int(_max_pixels), int(_thumb_px))
    sys.stdout.buffer.write(json.dumps(_answer).encode() + b"\n" + _thumbnail)
