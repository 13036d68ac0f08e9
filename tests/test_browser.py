"""End to end in a real browser: `reformboard init` + `demo`, `reformboard serve`, Chromium via Playwright.

A province administrator signs in, sees the demo province on the board and opens a school from the
table; a school user uploads a filled workbook and sees the school's new verdict. Screenshots
(1366×768, the usual office laptop) go to test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from reformboard.demo.documents import pdf_document
from tests.fixtures.browser import (
    REPO,
    VIEWPORT,
    WAIT_MS,
    Seeded,
    choose_workbook,
    cli,
    log_in,
    metric,
    seed_accounts,
    serve,
    submit_workbook,
)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
SETTLE_MS = 1500  # charts draw after their element appears; only the screenshots wait for this
TALL = 2600
CHART_TABS = ("任务完成热力图", "得分分布", "推进趋势", "完成时限")


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    school: Seeded  # the school user's school, and its workbook
    plan: Path  # the school's stamped plan, scanned: a PDF


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{folder / 'board.db'}"
    env = {**os.environ, "REFORMBOARD_DATABASE_URL": database_url, "REFORMBOARD_FILE_STORE": str(folder / "files")}
    env.pop("REFORMBOARD_APP_DATABASE_URL", None)
    cli(env, "init")
    cli(env, "demo", "--schools", "12")
    seeded = seed_accounts(database_url, folder)
    plan = folder / "推进计划（盖章扫描）.pdf"
    plan.write_bytes(pdf_document(4, "Stamped plan"))
    with serve(env, folder) as url:
        yield Server(url, database_url, seeded, plan)


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
    expect(page.get_by_role("heading", name=server.school.name)).to_be_visible(timeout=WAIT_MS)
    choose_workbook(page, server.school.workbook)
    screenshot(page, "upload-preview")
    submit_workbook(page)
    page.get_by_role("link", name="学校详情").click()
    expect(page.get_by_role("heading", name=server.school.name)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(str(server.school.new_verdict), exact=True).first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(f"文件 {server.school.workbook.name}")).to_be_visible()
    screenshot(page, "school-after-upload")


def test_the_file_uploader_speaks_chinese(server: Server, page: Page) -> None:
    """Streamlit writes "Upload" and "20MB per file • XLSX"; users read 选择文件 and the limit in Chinese."""
    log_in(page, server.url, "school")
    page.get_by_role("link", name="上传填报").first.click()
    dropzone = page.get_by_role("tabpanel", name="填报文件").get_by_test_id("stFileUploaderDropzone")
    expect(dropzone).to_be_visible(timeout=WAIT_MS)
    drawn = dropzone.evaluate(
        """zone => [zone.querySelector('[data-testid="stBaseButton-secondary"] p'),
                    zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span')]
            .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])"""
    )
    assert drawn == [["0px", '"选择文件"'], ["0px", '"或将文件拖放到此处，单个文件不超过 20MB"']]
    screenshot(page, "upload-chinese")


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
    admin.get_by_label("搜索学校").fill(server.school.code)
    admin.get_by_label("搜索学校").press("Enter")
    expect(metric(admin, "范围内学校")).to_contain_text("1", timeout=WAIT_MS)
    table = admin.get_by_test_id("stDataFrame").first
    box = table.bounding_box()
    admin.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the only row's selection box
    expect(admin.get_by_role("heading", name=server.school.name)).to_be_visible(timeout=WAIT_MS)
    admin.get_by_role("tab", name="报送材料与佐证").click()
    materials = admin.get_by_role("tabpanel", name="报送材料与佐证")
    expect(materials.get_by_text("PDF，4 页").first).to_be_visible(timeout=WAIT_MS)
    expect(materials.get_by_test_id("stImage").first).to_be_visible()
    screenshot(admin, "school-materials")
    province.close()
