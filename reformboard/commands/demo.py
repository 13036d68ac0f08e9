"""`reformboard demo`: fill the database with a synthetic but believable province.

Each demo upload is stored as a real filled workbook (so raw-file downloads and the history work as
they do for schools), with its normalised rows and the assessment as of its upload day. At national
scale writing workbooks dominates; `--no-workbooks` stores the normalised report as JSON instead.
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy.orm import Session

from checks.engine import assess
from checks.rulebook import Rulebook
from checks.serialize import dump
from checks.stored import derive
from loaders.layout import TEMPLATE_VERSION
from loaders.template import fill_template
from reformboard.commands.common import operator, today
from reformboard.context import AppContext
from reformboard.demo import Demo, DemoSubmission, build_demo
from reformboard.demo.documents import pdf_document, png_image
from reformboard.demo.model import DemoDocument
from reformboard.services.campaigns import make_default
from reformboard.services.materials import Upload, upload_document
from tenants import db
from tenants.principal import Principal, UserRole
from tenants.store import (
    add_school,
    add_unit,
    ensure_campaign,
    get_campaign,
    record_submission,
    save_assessment,
    store_results,
)
from tenants.submissions import china_day


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="生成演示省份数据 (create a demo province)")
    parser.add_argument("--schools", type=int, default=40, metavar="N")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rulebook",
        metavar="ID",
        help="按哪个规则手册生成（其词汇、阈值和 [demo] 表中的主管单位）；默认为 REFORMBOARD_RULEBOOK",
    )
    parser.add_argument("--roster-scale", type=float, default=1.0, help="院级组织数量倍数，用于压测（默认 1.0）")
    parser.add_argument(
        "--no-workbooks", action="store_true", help="不生成 Excel 原始文件，以 JSON 保存规范化报告（大规模压测用）"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    db.migrate(ctx.engine)
    rulebook = ctx.rulebook_file(args.rulebook or ctx.settings.rulebook)
    demo = build_demo(args.schools, args.seed, today=today(), rulebook=rulebook, roster_scale=args.roster_scale)
    with ctx.transaction(operator(), writes=True) as session:
        if get_campaign(session, demo.campaign.id) is not None:
            print(f"演示数据已存在（验收批次 {demo.campaign.id}），未重复生成。")
            return 0
        register_directory(session, demo, rulebook)
        if AppContext.campaign(session).id != demo.campaign.id:  # the demo is there to be seen
            make_default(session, operator(), demo.campaign.id)
            print(f"演示验收批次 {demo.campaign.id} 已设为默认验收批次")
    for n, submission in enumerate(demo.submissions, start=1):
        with ctx.transaction(operator(), writes=True) as session:
            store_upload(session, demo, submission, rulebook, workbooks=not args.no_workbooks)
        if n % 50 == 0 or n == len(demo.submissions):
            print(f"已写入 {n}/{len(demo.submissions)} 份演示填报", flush=True)
    documents = demo.documents if not args.no_workbooks else ()  # at national scale the files are left out
    for document in documents:
        with ctx.transaction(operator(), writes=True) as session:
            store_document(session, ctx, demo, document, rulebook)
    print(
        f"演示省份已生成：{len(demo.units)} 个主管单位，{len(demo.schools)} 所学校，"
        f"{len(demo.submissions)} 次上传，{len(documents)} 份报送材料和佐证文件；验收批次 {demo.campaign.id}"
    )
    return 0


def store_document(session: Session, ctx: AppContext, demo: Demo, document: DemoDocument, rulebook: Rulebook) -> None:
    """Through the same action a school's upload takes, as the school's contact on the day it was sent."""
    data = pdf_document(document.pages, f"{document.subject} {document.tenant_code}") if document.pages else png_image()
    upload_document(
        session,
        Principal(document.uploader, UserRole.SCHOOL, tenant_code=document.tenant_code),
        ctx.settings.files(),
        ctx.settings.file_limits(),
        demo.campaign,
        rulebook,
        document.tenant_code,
        Upload(document.purpose, document.subject, document.filename, data, document.title, document.document_date),
        now=document.uploaded_at,
    )


def register_directory(session: Session, demo: Demo, rulebook: Rulebook) -> None:
    unit_codes = {}
    for unit in demo.units:
        add_unit(session, unit.code, unit.name, unit.kind, kinds=rulebook.vocabulary.unit_kinds)
        unit_codes[unit.name] = unit.code
    ensure_campaign(session, demo.campaign)
    for school in demo.schools:
        add_school(session, school.code, school.name, unit_codes[school.unit], school.school_type, [demo.campaign.id])


def store_upload(session: Session, demo: Demo, upload: DemoSubmission, rulebook: Rulebook, *, workbooks: bool) -> None:
    report = upload.report
    if workbooks:
        raw, filename = fill_template(report, rulebook, demo.campaign), upload.filename
    else:
        raw = json.dumps(dump(report), ensure_ascii=False).encode()
        filename = upload.filename.rsplit(".", 1)[0] + ".json"
    submission, created = record_submission(
        session,
        tenant_code=upload.tenant_code,
        campaign_id=demo.campaign.id,
        filename=filename,
        raw=raw,
        uploader=upload.uploader,
        uploaded_at=upload.uploaded_at,
        report=report,
        problems=[],
        template_version=TEMPLATE_VERSION,
    )
    derived = derive(report, rulebook, demo.campaign, china_day(submission.received_at))  # assessed with and stored
    if created:
        store_results(session, submission.id, upload.tenant_code, derived, demo.campaign)
    as_of = upload.uploaded_at.date()
    assessment = assess(
        report,
        rulebook,
        demo.campaign,
        as_of,
        tenant=upload.tenant_code,
        school=report.school.name,
        found=derived.found,
    )
    save_assessment(session, submission.id, assessment)
