"""End to end in a real browser: `reformboard init` + `demo`, `reformboard serve`, Chromium via Playwright.

A province administrator signs in, sees the demo province on the board and opens a school from the
table; a school user uploads a filled workbook and sees the school's new verdict. Screenshots
(1366×768, the usual office laptop) go to test-artifacts/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from checks.engine import assess
from checks.results import Verdict
from checks.schema import SchoolReport
from loaders.template import fill_template
from reformboard.board import assess_schools
from reformboard.context import AppContext
from reformboard.demo.documents import pdf_document
from reformboard.settings import Settings
from tenants.accounts import add_user
from tenants.principal import UserRole, local_operator
from tenants.store import list_schools
from tenants.submissions import CHINA_TIME
from tests.conftest import PROVINCE
from tests.fixtures.browser import PASSWORD, REPO, VIEWPORT, WAIT_MS, log_in, serve
from tests.fixtures.reports import minimal_compliant_report

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
SETTLE_MS = 1500  # charts draw after their element appears; only the screenshots wait for this
TALL = 2600
CHART_TABS = ("任务完成热力图", "得分分布", "推进趋势", "完成时限")


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    school_code: str  # the school user's school
    school_name: str
    workbook: Path  # a filled template for that school
    new_verdict: Verdict  # what the board says once the workbook is in
    plan: Path  # the school's stamped plan, scanned: a PDF


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "reformboard", *args], env=env, cwd=REPO, check=True, capture_output=True, timeout=300
    )


def _seed(env: dict[str, str], folder: Path) -> tuple[str, str, Path, Verdict]:
    """Accounts, and the school whose verdict the upload will change, with its filled workbook."""
    ctx = AppContext.open(replace(Settings.from_env(), database_url=env["REFORMBOARD_DATABASE_URL"]))
    today = datetime.now(CHINA_TIME).date()
    operator = local_operator("e2e")
    with ctx.transaction(operator) as session:
        campaign = ctx.campaign(session)
        rulebook = ctx.rulebook_for(campaign)
        names = {s.code: s.name for s in list_schools(session)}
        before = {a.tenant: a.verdict for a in assess_schools(session, PROVINCE, rulebook, campaign, today)}
        reports = {code: _report_for(code, names[code]) for code in names}
        after = {code: assess(reports[code], rulebook, campaign, today).verdict for code in names}
        code = next(c for c in sorted(names) if before[c] is not after[c])
        add_user(session, "province.admin", UserRole.PROVINCE_ADMIN, by=operator, password=PASSWORD)
        add_user(session, "school", UserRole.SCHOOL, by=operator, tenant_code=code, password=PASSWORD)
    workbook = folder / "本校填报.xlsx"
    workbook.write_bytes(fill_template(reports[code], rulebook, campaign))
    ctx.engine.dispose()
    return code, names[code], workbook, after[code]


def _report_for(code: str, name: str) -> SchoolReport:
    report = minimal_compliant_report()
    return replace(report, school=replace(report.school, code=code, name=name))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{folder / 'board.db'}"
    env = {**os.environ, "REFORMBOARD_DATABASE_URL": database_url, "REFORMBOARD_FILE_STORE": str(folder / "files")}
    env.pop("REFORMBOARD_APP_DATABASE_URL", None)
    _cli(env, "init")
    _cli(env, "demo", "--schools", "12")
    code, name, workbook, verdict = _seed(env, folder)
    plan = folder / "推进计划（盖章扫描）.pdf"
    plan.write_bytes(pdf_document(4, "Stamped plan"))
    with serve(env, folder) as url:
        yield Server(url, database_url, code, name, workbook, verdict, plan)


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label)


def screenshot(page: Page, name: str) -> None:
    """The screen as a user sees it, and (Streamlit scrolls inside the page, so full_page shows no
    more) the whole page in a tall window."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(SETTLE_MS)
    page.screenshot(path=ARTIFACTS / f"{name}.png")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": TALL})
    page.wait_for_timeout(SETTLE_MS)
    page.screenshot(path=ARTIFACTS / f"{name}-tall.png")
    page.set_viewport_size(VIEWPORT)


def test_a_province_admin_sees_the_demo_province_and_opens_a_school(server: Server, page: Page) -> None:
    log_in(page, server.url, "province.admin")
    expect(page.get_by_role("heading", name="验收总览")).to_be_visible(timeout=WAIT_MS)
    expect(metric(page, "范围内学校")).to_contain_text("12", timeout=WAIT_MS)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    screenshot(page, "board-admin")
    for n, tab in enumerate(CHART_TABS, start=1):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tabpanel").get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(SETTLE_MS)
        page.get_by_role("tabpanel").screenshot(path=ARTIFACTS / f"board-chart-{n}.png")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    expect(page.get_by_role("heading", name="学校详情")).to_be_visible(timeout=WAIT_MS)
    assert "school=" in page.url
    expect(page.get_by_text("验收结论").first).to_be_visible()
    screenshot(page, "school-admin")


def test_a_school_user_uploads_a_workbook_and_sees_the_new_verdict(server: Server, page: Page) -> None:
    log_in(page, server.url, "school")
    expect(page.get_by_role("heading", name=server.school_name)).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("link", name="上传填报").first.click()
    expect(page.get_by_role("heading", name="上传填报")).to_be_visible(timeout=WAIT_MS)
    workbook = page.get_by_role("tabpanel", name="填报文件")
    workbook.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(server.workbook)
    expect(page.get_by_text("文件通过核验")).to_be_visible(timeout=WAIT_MS)
    screenshot(page, "upload-preview")
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("已提交：")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("link", name="学校详情").click()
    expect(page.get_by_role("heading", name=server.school_name)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(str(server.new_verdict), exact=True).first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(f"文件 {server.workbook.name}")).to_be_visible()
    screenshot(page, "school-after-upload")


def test_a_school_uploads_its_stamped_plan_and_the_province_sees_it(
    server: Server, page: Page, browser: Browser
) -> None:
    log_in(page, server.url, "school")
    page.get_by_role("link", name="上传填报").first.click()
    page.get_by_role("tab", name="报送材料与佐证材料").click()
    panel = page.get_by_role("tabpanel", name="报送材料与佐证材料")
    panel.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(server.plan)
    panel.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已保存：深化改革推进计划（校团委制定）（PDF，4 页）")).to_be_visible(timeout=WAIT_MS)
    province = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    admin = province.new_page()
    log_in(admin, server.url, "province.admin")
    admin.get_by_label("搜索学校").fill(server.school_code)
    admin.get_by_label("搜索学校").press("Enter")
    expect(metric(admin, "范围内学校")).to_contain_text("1", timeout=WAIT_MS)
    table = admin.get_by_test_id("stDataFrame").first
    box = table.bounding_box()
    admin.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the only row's selection box
    expect(admin.get_by_role("heading", name=server.school_name)).to_be_visible(timeout=WAIT_MS)
    admin.get_by_role("tab", name="报送材料与佐证").click()
    materials = admin.get_by_role("tabpanel", name="报送材料与佐证")
    expect(materials.get_by_text("PDF，4 页").first).to_be_visible(timeout=WAIT_MS)
    expect(materials.get_by_test_id("stImage").first).to_be_visible()
    screenshot(admin, "school-materials")
    province.close()
