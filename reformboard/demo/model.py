"""What the demo province hands to the CLI: units, schools, a live campaign and upload histories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.schema import SchoolInfo, SchoolReport
from tenants.models import DocumentPurpose


class DemoError(DomainError, ValueError):
    """A demo province that cannot be built as asked (too many schools, a size out of range)."""


@dataclass(frozen=True)
class DemoUnit:
    code: str  # short and stable, as the rulebook's [demo] gives it
    name: str
    kind: str  # one of the rulebook vocabulary's unit kinds


@dataclass(frozen=True)
class DemoSubmission:
    tenant_code: str  # the school's 10-digit code
    uploaded_at: datetime  # UTC
    uploader: str
    filename: str
    report: SchoolReport


@dataclass(frozen=True)
class DemoDocument:
    """A required material or an evidence file a school uploaded (its bytes are generated when stored)."""

    tenant_code: str
    purpose: DocumentPurpose
    subject: str  # material id or sub-item id
    title: str
    document_date: date | None
    uploaded_at: datetime  # UTC
    uploader: str
    pages: int  # of a PDF; 0 for a photo (a PNG)

    @property
    def filename(self) -> str:
        return f"{self.title}.{'pdf' if self.pages else 'png'}"


@dataclass(frozen=True)
class Demo:
    units: tuple[DemoUnit, ...]
    schools: tuple[SchoolInfo, ...]  # as registered; SchoolInfo.unit holds the unit's name
    campaign: Campaign
    submissions: tuple[DemoSubmission, ...]  # per school in upload order; schools are in `schools` order
    documents: tuple[DemoDocument, ...] = ()  # in upload order
