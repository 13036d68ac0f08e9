"""Small generated documents for the demo's materials and evidence: a PDF of a few pages and a PNG."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def pdf_document(pages: int = 1, label: str = "ReformBoard demo") -> bytes:
    """A valid PDF of `pages` A4 pages, each with a framed heading (ASCII: the base fonts have no Chinese)."""
    safe = label.encode("ascii", "replace").replace(b"\\", b"/").replace(b"(", b"[").replace(b")", b"]")
    content = b"q 4 w 40 40 515 762 re S Q BT /F1 28 Tf 72 740 Td (" + safe + b") Tj ET"
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        *(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
            for _ in range(pages)
        ),
    ]
    return pdf_from_objects(objects)


def pdf_from_objects(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of the numbered objects (1, 2, …; 1 is the catalog) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer + b" >>\n")
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png_image(width: int = 480, height: int = 360, label: str = "") -> bytes:
    """A photo-like PNG: a coloured frame with a line of text."""
    image = Image.new("RGB", (width, height), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, width - 9, height - 9), outline=(180, 30, 40), width=6)
    draw.text((24, 24), label or "ReformBoard", fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
