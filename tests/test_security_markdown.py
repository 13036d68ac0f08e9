"""User-supplied strings are shown as text, never rendered as Markdown (hardening issue #10, item 3).

A school names its graduate union with a Markdown link and image; its file name, the administrator's
override reason and the inspectors' names carry the same. The province administrator opens the board
and the school page: in AppTest every such string reaches the page escaped by ui.literal, and in a real
Chromium the page holds no link to the attacker's host and the browser never requests anything from it.
On both databases.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from checks.results import OnsiteResult, Verdict
from checks.rulebook import load_rulebook
from checks.schema import SchoolReport
from dashboard import ui
from loaders.template import fill_template
from reformboard.services.overrides import override_verdict
from reformboard.services.uploads import ingest
from reformboard.settings import Settings
from tenants.accounts import add_user
from tenants.models import Tenant
from tenants.principal import Principal, UserRole, local_operator
from tenants.store import save_onsite_results
from tests.conftest import Directory
from tests.fixtures.browser import PASSWORD, WAIT_MS, log_in, serve
from tests.fixtures.reports import GRADUATE_UNION, minimal_compliant_report

EVIL_HOST = "evil.example"
HOSTILE = f"[点此重新登录](http://{EVIL_HOST}/login)![t](http://{EVIL_HOST}/pixel.png)"
ORGANISATION = f"{HOSTILE}校研究生会"
SCHOOL_NAME = f"{HOSTILE}示范大学"
FILE_NAME = f"{HOSTILE}填报.xlsx"
REJECTED_FILE_NAME = f"{HOSTILE}第二次填报.xlsx"
REASON = f"{HOSTILE}经现场复核，整改已于十月完成"
INSPECTORS = f"{HOSTILE}张伟"
RULEBOOK = load_rulebook()
APP = Path(ui.PAGES).parent / "app.py"
ADMIN = "province.admin"


def hostile_report(code: str) -> SchoolReport:
    """A compliant report whose school-level graduate union bears the hostile name."""
    report = minimal_compliant_report()
    return replace(
        report,
        school=replace(report.school, code=code, name=SCHOOL_NAME),
        organisations=tuple(
            replace(o, name=ORGANISATION) if o.name == GRADUATE_UNION else o for o in report.organisations
        ),
        staff=tuple(
            replace(s, organisation=ORGANISATION) if s.organisation == GRADUATE_UNION else s for s in report.staff
        ),
        meetings=tuple(
            replace(m, organisation=ORGANISATION) if m.organisation == GRADUATE_UNION else m for m in report.meetings
        ),
    )


def _upload(session: Session, code: str, data: bytes, filename: str, day: int) -> None:
    ingest(
        session,
        data=data,
        filename=filename,
        principal=local_operator("test"),
        campaign=RULEBOOK.campaign,
        rulebook=RULEBOOK,
        limits=Settings.from_env().limits(),
        target_tenant=code,
        now=datetime(2020, 10, day, 2, tzinfo=UTC),
    )


@pytest.fixture
def hostile(session: Session, directory: Directory) -> str:
    """School A renamed, uploads, an override and on-site results all carrying HOSTILE; its code."""
    code = directory.school
    session.get(Tenant, code).name = SCHOOL_NAME
    _upload(session, code, fill_template(hostile_report(code), RULEBOOK, RULEBOOK.campaign), FILE_NAME, 30)
    _upload(session, code, b"not a workbook", REJECTED_FILE_NAME, 29)
    operator = local_operator("test")
    add_user(session, ADMIN, UserRole.PROVINCE_ADMIN, by=operator, display_name=HOSTILE, password=PASSWORD)
    admin = Principal(username=ADMIN, role=UserRole.PROVINCE_ADMIN)
    override_verdict(session, admin, RULEBOOK.campaign, code, Verdict.PASSED, REASON)
    save_onsite_results(
        session,
        tenant_code=code,
        campaign_id=RULEBOOK.campaign.id,
        submission_id=None,
        results=[OnsiteResult("1.1", "符合", HOSTILE, INSPECTORS, date(2020, 11, 2))],
        source_sha256="0" * 64,
    )
    session.commit()
    return code


# --- in AppTest: the strings arrive escaped ---------------------------------------------------------------


def school_page(db_url: str, code: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """学校详情 of `code`, reached by signing in as the province administrator through the login form."""
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", db_url)
    monkeypatch.delenv("REFORMBOARD_APP_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.text_input[0].input(ADMIN)
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    at.query_params[ui.SCHOOL_PARAM] = code
    at.switch_page("views/school.py").run()
    assert not at.exception, at.exception
    return at


def shown_as_markdown(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "title", "subheader")
    return (
        [str(e.value) for kind in kinds for e in at.get(kind)]
        + [e.label for e in at.expander]
        + [m.label for m in at.metric]
    )


def test_every_hostile_string_reaches_the_school_page_escaped(db_url, hostile, monkeypatch):
    at = school_page(db_url, hostile, monkeypatch)
    shown = "\n".join(shown_as_markdown(at))
    assert f"](http://{EVIL_HOST}" not in shown  # no Markdown link or image survives anywhere
    assert ui.literal(SCHOOL_NAME) in [s.value for s in at.subheader]
    assert any(ui.literal(ORGANISATION) in m.value for m in at.markdown)  # in a finding's message
    assert any(f"文件 {ui.literal(FILE_NAME)}" in c.value for c in at.caption)
    assert any(ui.literal(INSPECTORS) in c.value for c in at.caption)
    assert any(f"理由：{ui.literal(REASON)}" in i.value for i in at.info)
    assert any(ui.literal(REJECTED_FILE_NAME) in e.label for e in at.expander)


def test_the_escape_makes_every_markdown_character_literal():
    # CommonMark: a backslash before any ASCII punctuation makes it a literal character.
    assert ui.literal("a_b*c[d](e)!`f`<g>$h$:red[i]") == r"a\_b\*c\[d\]\(e\)\!\`f\`\<g\>\$h\$\:red\[i\]"
    assert ui.literal(r"C:\新建") == r"C\:\\新建"
    assert ui.literal("广州示范大学（校学生会）") == "广州示范大学（校学生会）"  # Chinese punctuation is no syntax
    # GFM finds bare links after escapes are resolved: an invisible word joiner splits how they start.
    joiner = ui.WORD_JOINER
    assert ui.literal("http://a.cn") == rf"http\:{joiner}\/\/a\.cn"
    assert ui.literal("WWW.a.cn") == rf"WWW{joiner}\.a\.cn"
    assert ui.literal("li@a.cn") == rf"li\@{joiner}a\.cn"


# --- in Chromium: no link, no request ---------------------------------------------------------------------


@pytest.mark.browser
def test_the_province_admin_sees_no_link_and_fetches_nothing_from_the_hostile_host(
    db_url, hostile, page: Page, tmp_path: Path
):
    requested: list[str] = []

    def record(request: Request) -> None:
        if EVIL_HOST in request.url:
            requested.append(request.url)

    page.on("request", record)
    page.route(f"**://{EVIL_HOST}/**", lambda route: route.abort())  # were one made, it goes nowhere
    env = {**os.environ, "REFORMBOARD_DATABASE_URL": db_url}
    env.pop("REFORMBOARD_APP_DATABASE_URL", None)
    with serve(env, tmp_path) as url:
        log_in(page, url, ADMIN)
        expect(page.get_by_role("heading", name="验收总览")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
        assert_nothing_hostile(page, requested)
        page.get_by_role("link", name="学校详情").click()  # opens on the first school by code: the hostile one
        expect(page.get_by_role("heading", name="学校详情")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("最近有效上传")).to_be_visible(timeout=WAIT_MS)
        open_every_expander(page)  # a collapsed task draws its findings only when opened
        assert_nothing_hostile(page, requested)
        assert_shown_as_typed(page, f"文件 {FILE_NAME}", ORGANISATION, f"理由：{REASON}", INSPECTORS)
        page.get_by_role("tab", name="提交记录").click()
        expect(page.get_by_text("下载原始文件")).to_be_visible(timeout=WAIT_MS)
        assert_nothing_hostile(page, requested)
        assert_shown_as_typed(page, f"未接收：{REJECTED_FILE_NAME}")


def open_every_expander(page: Page) -> None:
    """Of the tab shown (get_by_role skips the hidden ones)."""
    closed = page.get_by_role("tabpanel").locator("details:not([open]) > summary")
    while closed.count():
        closed.first.click()


def assert_shown_as_typed(page: Page, *texts: str) -> None:
    shown = page.locator("body").text_content().replace(ui.WORD_JOINER, "")  # the joiner shows as nothing
    for text in texts:
        assert text in shown


def assert_nothing_hostile(page: Page, requested: list[str]) -> None:
    """No request went to the hostile host, and no link or image on the page points there."""
    page.wait_for_load_state("networkidle")
    assert requested == []
    links = page.locator(f'a[href*="{EVIL_HOST}"]')
    assert links.count() == 0, [links.nth(n).evaluate("a => a.parentElement.outerHTML") for n in range(links.count())]
    assert page.locator(f'img[src*="{EVIL_HOST}"]').count() == 0
