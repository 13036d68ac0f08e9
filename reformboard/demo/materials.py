"""Which required materials and evidence files the demo schools uploaded: most materials on time, some
late, some missing; a few evidence files for sub-items a school reports done."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from checks.campaign import Campaign
from checks.materials import material_due
from checks.rulebook import Rulebook
from checks.schema import ItemStatus
from reformboard.demo.model import DemoDocument, DemoSubmission
from tenants.models import DocumentPurpose
from tenants.submissions import CHINA_TIME

ON_TIME, LATE = 0.6, 0.2  # shares of schools sending a material on time and late; the rest have not sent it
MAX_EVIDENCE = 3  # files per school
EVIDENCE_TITLES = ("会议通知", "会议纪要", "工作方案", "培训签到表", "活动照片")
PHOTO = "活动照片"


def plan_documents(
    rng: random.Random, rulebook: Rulebook, campaign: Campaign, uploads: Sequence[DemoSubmission], today: date
) -> tuple[DemoDocument, ...]:
    """Per school that uploaded a workbook: its materials (by the odds above) and evidence for done items."""
    latest = {upload.tenant_code: upload for upload in uploads}
    documents = []
    for code, upload in latest.items():
        uploader = upload.report.school.contact_name or upload.uploader
        for material in rulebook.submissions:
            day = _material_day(rng, material_due(material, campaign), campaign.starts_on, today)
            if day is not None:
                documents.append(
                    DemoDocument(
                        code,
                        DocumentPurpose.MATERIAL,
                        material.id,
                        material.name,
                        day,
                        _at(day),
                        uploader,
                        rng.randint(2, 9),
                    )
                )
        done = [
            (i.item_id, i.completed_on) for i in upload.report.items if i.status is ItemStatus.DONE and i.completed_on
        ]
        for item_id, completed_on in rng.sample(done, min(len(done), rng.randint(0, MAX_EVIDENCE))):
            title = rng.choice(EVIDENCE_TITLES)
            sent = min(today, completed_on + timedelta(days=rng.randint(0, 10)))
            pages = 0 if title == PHOTO else rng.randint(1, 4)
            documents.append(
                DemoDocument(code, DocumentPurpose.EVIDENCE, item_id, title, completed_on, _at(sent), uploader, pages)
            )
    return tuple(sorted(documents, key=lambda d: d.uploaded_at))


def _material_day(rng: random.Random, due: date, starts_on: date, today: date) -> date | None:
    roll = rng.random()
    if roll < ON_TIME:
        day = due - timedelta(days=rng.randint(0, 12))
    elif roll < ON_TIME + LATE:
        day = due + timedelta(days=rng.randint(1, 20))
    else:
        return None
    return day if starts_on <= day <= today else None


def _at(day: date) -> datetime:
    """Mid-morning in China on that day."""
    return datetime.combine(day, time(10), CHINA_TIME).astimezone(UTC)
