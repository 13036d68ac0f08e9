"""Required materials on the board (#14 item 1): a column per material, a filter, the key figure
材料逾期未报送; a city committee sees its own schools' materials. The world is test_dashboard_board's,
seen on 2020-11-01 when both materials (due 6月10日 and 10月15日) are past due."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dashboard import data
from tenants.documents import record_document
from tenants.models import DocumentPurpose
from tests.test_dashboard_board import (
    CAMPAIGN,
    FAILED,
    OTHER,
    PASSING,
    RECTIFY,
    World,
    figures,
    school_table,
    seeded_world,
    signed_in,
)

PLAN, COMPLETION = data.material_column("plan"), data.material_column("completion")


def received(world: World, code: str, material: str, day: date) -> None:
    with world.transaction() as session:
        record_document(
            session,
            received_on=None,
            uploaded_at=datetime(day.year, day.month, day.day, 2, tzinfo=UTC),
            tenant_code=code,
            campaign_id=CAMPAIGN.id,
            purpose=DocumentPurpose.MATERIAL,
            subject=material,
            title="扫描件",
            document_date=None,
            filename="扫描件.pdf",
            kind="PDF",
            size=1,
            pages=1,
            sha256="0" * 64,
            uploader="school",
        )


@pytest.fixture
def world(sqlite_template, tmp_path, monkeypatch) -> World:
    world = seeded_world(sqlite_template, tmp_path, monkeypatch)
    received(world, PASSING, "plan", date(2020, 6, 8))
    received(world, PASSING, "completion", date(2020, 10, 15))
    received(world, RECTIFY, "plan", date(2020, 6, 20))
    return world


def test_each_material_has_a_column_with_its_state_and_date(world: World) -> None:
    table = school_table(signed_in("admin")).set_index("code")
    assert table.loc[PASSING, PLAN] == "已报送（2020-06-08）"
    assert table.loc[PASSING, COMPLETION] == "已报送（2020-10-15）"
    assert table.loc[RECTIFY, PLAN] == "逾期报送（2020-06-20）"
    assert table.loc[FAILED, PLAN] == "未报送（已逾期）"


def test_the_key_figure_counts_materials_past_due_and_not_sent(world: World) -> None:
    assert figures(signed_in("admin"))["材料逾期未报送"] == 7  # 10 materials, 3 received
    assert figures(signed_in("admin", board_date=date(2020, 6, 10)))["材料逾期未报送"] == 0


def test_the_material_filter_keeps_schools_with_a_material_in_that_state(world: World) -> None:
    at = signed_in("admin")
    at.multiselect(key="board.materials").select("逾期报送").run()
    assert list(school_table(at)["code"]) == [RECTIFY]
    at.multiselect(key="board.materials").unselect("逾期报送").select(data.OVERDUE_MISSING).run()
    assert sorted(school_table(at)["code"]) == sorted(
        c for c in school_table(signed_in("admin"))["code"] if c != PASSING
    )


def test_a_city_committee_sees_its_schools_materials_only(world: World) -> None:
    table = school_table(signed_in("gz")).set_index("code")
    assert OTHER not in table.index
    assert table.loc[RECTIFY, PLAN] == "逾期报送（2020-06-20）"
