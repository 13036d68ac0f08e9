"""What the reader tells a school about its workbook: one problem per cell, in plain Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checks.errors import DomainError


class ProblemSeverity(StrEnum):
    ERROR = "错误"  # the file is rejected until it is fixed
    NOTE = "提示"  # the file is accepted; the school should know


@dataclass(frozen=True)
class Problem:
    severity: ProblemSeverity
    sheet: str  # "" for problems with the whole file
    cell: str  # "F17" as Excel shows it; "" for a whole sheet or file
    field: str  # the Chinese header of the column, "" when none applies
    value: str  # what was found, as text
    message: str  # what is expected and how to fix it

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    @property
    def is_error(self) -> bool:
        return self.severity is ProblemSeverity.ERROR


def error(message: str, *, sheet: str = "", cell: str = "", field: str = "", value: str = "") -> Problem:
    return Problem(ProblemSeverity.ERROR, sheet, cell, field, value, message)


def note(message: str, *, sheet: str = "", cell: str = "", field: str = "", value: str = "") -> Problem:
    return Problem(ProblemSeverity.NOTE, sheet, cell, field, value, message)


class Refusal(DomainError):
    """The file cannot be read at all; carries the one problem that says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problem = error(message)
