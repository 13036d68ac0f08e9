"""How much one uploaded document, and one school's documents together, may cost us."""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.limits import MB, Limits


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 20 * MB  # one file
    max_school_bytes: int = 500 * MB  # every file a school has stored, old versions included
    max_pages: int = 500  # a PDF; a scanned plan runs to tens of pages
    max_pixels: int = 50_000_000  # an image (a 600 dpi A3 scan is about 70 million: scan at 300 dpi)
    thumbnail_px: int = 240  # the longer side of a first-page thumbnail
    # Office archives' zip checks and the reading child's memory and time, shared with workbooks.
    sandbox: Limits = field(default_factory=Limits)
