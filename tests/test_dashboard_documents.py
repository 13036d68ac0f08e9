"""Materials and evidence on the pages (#14 items 1, 2, 4): a school uploads its stamped PDF and an
evidence file on the upload page; a hostile file is refused in Chinese; the province sees every file on
the school page with its thumbnail, pages and uploader, and the material's status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import Document
from tenants.submissions import CHINA_TIME
from tests import test_dashboard_pages as pages
from tests.fixtures.documents import encrypted_pdf, good_pdf, good_png
from tests.test_dashboard_pages import WUST, button, open_page, texts

board = pages.board  # the same little province, its accounts and a fresh database per test

FIRST_UPLOADER = f"documents.file.{WUST}.0"


def upload_material(at, data: bytes) -> None:
    at.file_uploader(key=FIRST_UPLOADER).upload("推进计划.pdf", data).run()
    button(at, "上传").click().run()


def test_a_school_uploads_its_stamped_plan_and_the_province_sees_it_sent(board):
    at = open_page("upload", board.principal("wust"))
    upload_material(at, good_pdf(3))
    assert "已保存：深化改革推进计划（校团委制定）（PDF，3 页）" in texts(at)
    with Session(board.engine) as session:
        [stored] = session.scalars(select(Document)).all()
    assert (stored.tenant_code, stored.subject, stored.pages, stored.uploader) == (WUST, "plan", 3, "wust")

    today = datetime.now(CHINA_TIME).date()  # the plan was received today, years after its due date
    school = open_page("school", board.principal("admin"), as_of=today)
    school.query_params["school"] = WUST
    school.run()
    shown = texts(school)
    assert "PDF，3 页" in shown and "上传人 wust" in shown
    assert school.get("image")  # the first page's thumbnail
    [materials] = [f.value for f in school.dataframe if "报送材料" in f.value.columns]
    assert list(materials["状态"]) == [f"逾期报送（{today.isoformat()}）", "未报送（已逾期）"]


def test_an_encrypted_pdf_is_refused_on_the_page_with_what_to_do(board):
    at = open_page("upload", board.principal("wust"))
    upload_material(at, encrypted_pdf())
    assert any("取消密码保护" in e.value for e in at.error)
    assert board.count(Document) == 0


def test_evidence_needs_a_title_and_is_stored_for_its_sub_item(board):
    at = open_page("upload", board.principal("wust"))
    at.radio(key="documents.purpose").set_value(at.radio(key="documents.purpose").options[1]).run()
    at.selectbox(key="documents.item").set_value("1.2").run()
    at.file_uploader(key=FIRST_UPLOADER).upload("照片.png", good_png()).run()
    button(at, "上传").click().run()
    assert any("标题" in e.value for e in at.error)
    at = open_page("upload", board.principal("wust"))
    at.radio(key="documents.purpose").set_value(at.radio(key="documents.purpose").options[1]).run()
    at.selectbox(key="documents.item").set_value("1.2").run()
    at.text_input(key="documents.title").input("动员会照片").run()
    at.file_uploader(key=FIRST_UPLOADER).upload("照片.png", good_png()).run()
    button(at, "上传").click().run()
    assert "已保存：动员会照片（PNG，1 页）" in texts(at)


def test_a_schools_home_shows_its_materials_and_their_state(board):
    home = pages.open_app(board.principal("wust"))  # on 2020-11-01 both materials are past due
    materials = next(f.value for f in home.dataframe if "报送材料" in f.value.columns)
    assert list(materials["状态"]) == ["未报送（已逾期）", "未报送（已逾期）"]
