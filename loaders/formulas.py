"""Formulas with no calculated result: cells an .xlsx holds as a formula but without a cached value.

Files written by programs (or saved with calculation switched off) can carry formulas Excel never
computed; calamine then reads those cells as empty. This finds them so the school is told why the
cell reads empty and how to fix it. Only OOXML (.xlsx/.xlsm) stores formulas this way; the archive
has already passed the zip-bomb checks of loaders.sniff.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree.ElementTree import ParseError, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAX_CELLS_PER_SHEET = 500  # beyond this the school has one problem to fix, not five hundred


def uncalculated_formulas(data: bytes) -> dict[str, list[str]]:
    """Sheet name -> cell references ("F17") holding a formula with no cached result."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                name: cells
                for name, part in _sheet_parts(archive).items()
                if part in archive.namelist()
                and _mentions_formula(archive, part)
                and (cells := _cells_without_value(archive, part))
            }
    except (KeyError, ParseError, zipfile.BadZipFile):
        return {}  # an unusual package: the reader itself says what is wrong with the file


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive, from the workbook and its relationships."""
    targets = {}
    with archive.open("xl/_rels/workbook.xml.rels") as rels:
        for _, element in iterparse(rels):
            if element.tag == PACKAGE_RELS:
                target = element.get("Target", "")
                targets[element.get("Id")] = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                )
    sheets = {}
    with archive.open("xl/workbook.xml") as workbook:
        for _, element in iterparse(workbook):
            if element.tag == f"{MAIN}sheet" and element.get(RELATIONSHIP_ID) in targets:
                sheets[element.get("name", "")] = targets[element.get(RELATIONSHIP_ID)]
    return sheets


def _mentions_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """A byte scan first: the template has no formulas, so most sheets need no XML parse at all."""
    tail = b""
    with archive.open(part) as sheet:
        while chunk := sheet.read(1 << 20):
            if b"<f" in tail + chunk:
                return True
            tail = chunk[-1:]
    return False


def _cells_without_value(archive: zipfile.ZipFile, part: str) -> list[str]:
    found: list[str] = []
    with archive.open(part) as sheet:
        for _, element in iterparse(sheet):
            if element.tag != f"{MAIN}c":
                if element.tag == f"{MAIN}row":
                    element.clear()  # keep memory flat on long sheets
                continue
            formula, value = element.find(f"{MAIN}f"), element.find(f"{MAIN}v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                found.append(element.get("r", ""))
                if len(found) >= MAX_CELLS_PER_SHEET:
                    break
    return found
