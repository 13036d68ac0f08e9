"""Campaigns (#12 items 4 and 6), on both databases: a campaign pins the full text of its rulebook, which
is found by path or in REFORMBOARD_RULEBOOK_DIR; editing the file changes nothing until
`campaign update-rulebook` applies it; each campaign has its own schools, its own threshold overrides,
and the default campaign changes only when chosen."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from checks.campaign import RulebookText
from checks.rulebook import RULEBOOK_DIR, RulebookError, build_rulebook, load_rulebook, read_rulebook
from loaders.limits import Limits
from loaders.template import fill_template
from reformboard.board import standings
from reformboard.context import AppContext
from reformboard.services.uploads import ingest
from tenants import store
from tenants.db import alembic_config, make_engine, migrate
from tenants.models import AuditEntry, CampaignRow, CampaignSchool
from tests.conftest import PROVINCE, Directory
from tests.fixtures.cli import school_list, score_json
from tests.fixtures.wust import wust_report

BUILT_IN = (RULEBOOK_DIR / "guangdong-2020.toml").read_text(encoding="utf-8")
TODAY = "2026-11-30"
VARIANT = """
base = "guangdong-2020"
id = "college-2021"
name = "某职业学院学生会深化改革方案"

[campaign]
id = "college-2021"
name = "2021年某职业学院学生会深化改革"
starts_on = 2021-03-01
acceptance_on = 2021-10-15
"""


def audited(db_url: str, action: str) -> list[dict]:
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            return [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == action))]
    finally:
        engine.dispose()


@pytest.fixture
def rulebook_copy(tmp_path: Path) -> Path:
    """The Guangdong rulebook kept outside the package, as a province would keep its own."""
    folder = tmp_path / "rulebooks"
    folder.mkdir()
    path = folder / "gd-copy.toml"
    path.write_text(BUILT_IN, encoding="utf-8")
    return path


# --- found by path or in the configured folder, and pinned ---------------------------------------------


def test_a_rulebook_outside_the_package_serves_init_and_then_template(
    reformboard, rulebook_copy, monkeypatch, tmp_path
):
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", str(rulebook_copy))
    assert reformboard("init")[0] == 0
    rulebook_copy.unlink()  # what the campaign needs it pinned
    code, out, err = reformboard("template", "-o", str(tmp_path / "template.xlsx"))
    assert (code, err) == (0, "")
    assert (tmp_path / "template.xlsx").stat().st_size > 0
    shown = reformboard("campaign", "show", "gd-2020")[1]
    assert f"sha256 {hashlib.sha256(BUILT_IN.encode()).hexdigest()}" in shown


def test_a_variant_in_the_configured_folder_is_found_by_id_with_its_base(reformboard, monkeypatch, tmp_path):
    (tmp_path / "college-2021.toml").write_text(VARIANT, encoding="utf-8")
    monkeypatch.setenv("REFORMBOARD_RULEBOOK_DIR", str(tmp_path))
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", "college-2021")
    assert "college-2021\t某职业学院学生会深化改革方案" in reformboard("rulebook", "list")[1]
    assert reformboard("init")[0] == 0
    shown = reformboard("campaign", "show", "college-2021")[1]
    assert "规则手册：college-2021（固定的文本：college-2021 ← guangdong-2020）" in shown
    assert reformboard("template", "-o", str(tmp_path / "t.xlsx"))[0] == 0


def test_editing_the_file_changes_no_campaign_until_update_rulebook_applies_it(
    db_url, reformboard, rulebook_copy, monkeypatch, capsys
):
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", str(rulebook_copy))
    assert reformboard("init")[0] == 0
    assert reformboard("demo", "--schools", "8", "--seed", "3")[0] == 0
    before = {s["tenant"]: s["verdict"] for s in score_json(capsys, "--as-of", TODAY)}
    edited = BUILT_IN.replace(
        'severity = "不符合"    # "主席团成员不超过5人"\nmax = 5',
        'severity = "不符合"    # "主席团成员不超过5人"\nmax = 1',
    ).replace('id = "7.1"\ndue = "2020-06"', 'id = "7.1"\ndue = "2020-09"')
    assert "max = 5" not in edited and '"2020-09"' in edited
    rulebook_copy.write_text(edited, encoding="utf-8")

    assert {s["tenant"]: s["verdict"] for s in score_json(capsys, "--as-of", TODAY)} == before
    code, summary, _ = reformboard("campaign", "update-rulebook", "demo", str(rulebook_copy), "--as-of", TODAY)
    assert code == 0
    assert "核验 school_presidium_size（校级主席团成员人数）：参数 max 5 → 1" in summary
    assert "子项 7.1：完成时限 2020年6月 → 2020年9月" in summary
    assert "未更新" in summary
    assert {s["tenant"]: s["verdict"] for s in score_json(capsys, "--as-of", TODAY)} == before

    code, applied, _ = reformboard("campaign", "update-rulebook", "demo", str(rulebook_copy), "--as-of", TODAY, "--yes")
    after = {s["tenant"]: s["verdict"] for s in score_json(capsys, "--as-of", TODAY)}
    changed = sorted(code for code in before if before[code] != after[code])
    assert changed, "a presidium limit of 1 changes some demo school's verdict"
    assert f"8 所学校中 {len(changed)} 所的结论会改变（{'、'.join(changed)}）" in applied
    [entry] = audited(db_url, "campaign_rulebook_updated")
    assert entry["changed_verdicts"] == changed
    assert entry["new_sha256"] == hashlib.sha256(edited.encode()).hexdigest()
    assert entry["old_sha256"] == hashlib.sha256(BUILT_IN.encode()).hexdigest()


def test_init_again_after_an_edit_says_the_campaign_keeps_its_pinned_text(reformboard, rulebook_copy, monkeypatch):
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", str(rulebook_copy))
    assert "注意" not in reformboard("init")[1]
    rulebook_copy.write_text(BUILT_IN.replace("max = 60", "max = 50"), encoding="utf-8")
    assert "改动不影响该批次" in reformboard("init")[1]


def test_a_campaign_registered_before_pinning_whose_file_is_gone_is_pinned_by_update_rulebook(
    db_url, reformboard, capsys
):
    assert reformboard("init")[0] == 0
    engine = make_engine(db_url)
    with engine.begin() as connection:  # as migration 0010 leaves a campaign whose rulebook file was gone
        connection.execute(text("UPDATE campaigns SET rulebook_texts = '[]', rulebook_sha256 = ''"))
    engine.dispose()
    code, _, err = reformboard("score")
    assert code == 1 and "验收批次 gd-2020 没有固定的规则手册" in err
    code, out, _ = reformboard("campaign", "update-rulebook", "gd-2020", "guangdong-2020", "--yes")
    assert code == 0 and "固定规则手册 guangdong-2020（此前未固定）" in out
    assert reformboard("score")[0] == 0


def test_update_rulebook_with_the_same_text_changes_nothing(db_url, reformboard):
    assert reformboard("init")[0] == 0
    code, out, _ = reformboard("campaign", "update-rulebook", "gd-2020", "--yes")
    assert code == 0 and "无需更新" in out
    assert audited(db_url, "campaign_rulebook_updated") == []


# --- threshold overrides ----------------------------------------------------------------------------------


def test_a_threshold_override_is_validated_applied_shown_and_audited(db_url, reformboard, session):
    assert reformboard("init")[0] == 0
    code, _, err = reformboard("campaign", "set-threshold", "gd-2020", "school_staff_size", "maxx", "50")
    assert code == 1 and "school_staff_size 种类没有参数 'maxx'" in err
    code, _, err = reformboard("campaign", "set-threshold", "gd-2020", "school_staff_size", "max", "很多")
    assert code == 1 and "参数 max 应为整数" in err
    code, _, err = reformboard("campaign", "set-threshold", "gd-2020", "no_such_check", "max", "5")
    assert code == 1 and "规则手册中没有核验规则 no_such_check" in err

    assert reformboard("campaign", "set-threshold", "gd-2020", "school_staff_size", "max", "50")[0] == 0
    assert "school_staff_size.max = 50" in reformboard("campaign", "show", "gd-2020")[1]
    campaign = AppContext.campaign(session, "gd-2020")
    assert AppContext.rulebook_for(campaign).rules["school_staff_size"].param("max") == 50
    assert load_rulebook().rules["school_staff_size"].param("max") == 60  # the file is untouched
    [entry] = audited(db_url, "campaign_threshold_set")
    assert entry == {"campaign": "gd-2020", "rule": "school_staff_size", "param": "max", "old": 60, "new": 50}


def test_only_parameters_can_be_overridden():
    with pytest.raises(RulebookError, match="severity 不是参数"):
        build_rulebook(read_rulebook("guangdong-2020"), {"school_staff_size": {"severity": "符合"}})


# --- each campaign's schools ---------------------------------------------------------------------------


def test_a_campaign_pinned_from_a_rulebook_builds_it_again_with_its_vocabulary(session: Session):
    book = load_rulebook(Path(__file__).parent / "data" / "rulebooks" / "otherland-2021.toml")
    store.ensure_campaign(session, book.campaign)
    stored = store.get_campaign(session, book.campaign.id)
    assert stored is not None and stored.rulebook_texts == book.campaign.rulebook_texts
    pinned = AppContext.rulebook_for(stored)
    assert pinned.vocabulary == book.vocabulary != load_rulebook().vocabulary
    assert pinned.demo == book.demo


def test_a_school_of_one_campaign_is_not_on_another_campaigns_board(session: Session, directory: Directory):
    college = build_rulebook((*read_rulebook("guangdong-2020"), RulebookText("college-2021", VARIANT))).campaign
    store.ensure_campaign(session, college)
    store.add_school(session, "4131010001", "上海某职业学院", directory.unit, "高职（专科）", [college.id])
    session.commit()

    def board(campaign_id: str) -> list[str]:
        campaign = AppContext.campaign(session, campaign_id)
        found = standings(session, PROVINCE, AppContext.rulebook_for(campaign), campaign, campaign.acceptance_on)
        return [s.school.code for s in found]

    assert board(directory.campaign.id) == [directory.school, directory.other_school]
    assert board(college.id) == ["4131010001"]
    assert [s.code for s in store.list_schools(session, campaign_id=college.id)] == ["4131010001"]


def test_a_school_cannot_upload_to_a_campaign_it_is_not_on(session: Session, directory: Directory):
    college = build_rulebook((*read_rulebook("guangdong-2020"), RulebookText("college-2021", VARIANT)))
    store.ensure_campaign(session, college.campaign)
    report = wust_report()
    own = replace(report, school=replace(report.school, code=directory.school))
    outcome = ingest(
        session,
        data=fill_template(own, college, college.campaign),
        filename="填报.xlsx",
        principal=PROVINCE,
        campaign=college.campaign,
        rulebook=college,
        limits=Limits(),
    )
    [refusal] = [p for p in outcome.problems if p.is_error]
    assert f"学校 {directory.school} 未列入验收批次“2021年某职业学院学生会深化改革”的学校名单" in refusal.message
    assert not outcome.accepted


def test_tenant_add_and_import_put_schools_on_the_campaigns_named(db_url, reformboard, monkeypatch, tmp_path):
    (tmp_path / "college-2021.toml").write_text(VARIANT, encoding="utf-8")
    monkeypatch.setenv("REFORMBOARD_RULEBOOK_DIR", str(tmp_path))
    assert reformboard("init")[0] == 0
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", "college-2021")
    assert reformboard("init")[0] == 0
    assert reformboard("tenant", "add-unit", "4401", "广州市团委", "--kind", "地市团委")[0] == 0
    assert reformboard("tenant", "add", "4144010558", "广州示范大学", "--unit", "4401")[0] == 0
    assert (
        reformboard("tenant", "add", "4131010001", "上海某职业学院", "--unit", "4401", "--campaign", "college-2021")[0]
        == 0
    )
    assert "4144010558" in reformboard("tenant", "list", "--campaign", "gd-2020")[1]
    listed = reformboard("tenant", "list", "--campaign", "college-2021")[1]
    assert "4131010001" in listed and "4144010558" not in listed
    code, _, err = reformboard("tenant", "add", "4131010002", "某学院", "--unit", "4401", "--campaign", "nope")
    assert code == 1 and "找不到验收批次 'nope'" in err

    listing = school_list(tmp_path / "list.xlsx", ("4144010558", "广州示范大学", "广州市团委", "本科"))
    assert reformboard("tenant", "import", str(listing), "--campaign", "college-2021")[0] == 0
    assert "4144010558" in reformboard("tenant", "list", "--campaign", "college-2021")[1]
    assert audited(db_url, "school_enrolled") == [{"campaign": "college-2021"}]


# --- the default campaign ---------------------------------------------------------------------------------


def test_the_first_campaign_is_the_default_and_registering_another_does_not_change_it(
    db_url, reformboard, monkeypatch, tmp_path
):
    (tmp_path / "college-2021.toml").write_text(VARIANT, encoding="utf-8")
    monkeypatch.setenv("REFORMBOARD_RULEBOOK_DIR", str(tmp_path))
    assert reformboard("init")[0] == 0
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", "college-2021")
    assert reformboard("init")[0] == 0  # registered later, starting later: still not the default
    assert _default_marked(reformboard("campaign", "list")[1]) == "gd-2020"

    assert reformboard("campaign", "default", "college-2021")[0] == 0
    assert _default_marked(reformboard("campaign", "list")[1]) == "college-2021"
    assert "（默认）" in reformboard("campaign", "show", "college-2021")[1]
    assert audited(db_url, "campaign_default_set") == [{"campaign": "college-2021", "previous": "gd-2020"}]


def _default_marked(listing: str) -> str:
    [marked] = [line.split("\t")[1] for line in listing.splitlines() if line.startswith("*\t")]
    return marked


# --- migration 0010 ---------------------------------------------------------------------------------------


def test_the_upgrade_pins_existing_campaigns_and_puts_every_school_on_every_campaign(empty_db_url: str):
    engine = make_engine(empty_db_url)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007")
            _old_rows(connection)
        migrate(engine)
        with Session(engine) as session:
            rows = {row.id: row for row in session.scalars(select(CampaignRow))}
            enrolled = set(session.execute(select(CampaignSchool.campaign_id, CampaignSchool.tenant_code)))
    finally:
        engine.dispose()
    assert rows["gd-2020"].rulebook_texts == [{"id": "guangdong-2020", "text": BUILT_IN}]
    assert rows["gd-2020"].rulebook_sha256 == hashlib.sha256(BUILT_IN.encode()).hexdigest()
    assert rows["old-gone"].rulebook_texts == []  # no such file any more: update-rulebook pins one
    assert [cid for cid, row in rows.items() if row.is_default] == ["gd-2020"]  # the most recent
    assert enrolled == {(c, s) for c in rows for s in ("4144010558", "4144010559")}


def _old_rows(connection: Connection) -> None:
    """Rows as a database at revision 0007 holds them: two schools, a campaign whose rulebook file is
    gone and a later one of the built-in rulebook."""
    connection.execute(text("INSERT INTO units (code, name, kind) VALUES ('4401', '广州市团委', '地市团委')"))
    for code in ("4144010558", "4144010559"):
        connection.execute(
            text(
                "INSERT INTO tenants (code, name, unit_code, school_type, created_at, active) "
                "VALUES (:code, :code, '4401', '', :at, :active)"
            ),
            {"code": code, "at": datetime(2026, 1, 1), "active": True},
        )
    for cid, rulebook, year in (("old-gone", "retired-2019", 2019), ("gd-2020", "guangdong-2020", 2020)):
        connection.execute(
            text(
                "INSERT INTO campaigns (id, name, rulebook, starts_on, acceptance_on, contact, deadline_overrides) "
                "VALUES (:id, :id, :rulebook, :starts, :acceptance, '', '{}')"
            ),
            {"id": cid, "rulebook": rulebook, "starts": date(year, 5, 1), "acceptance": date(year, 10, 15)},
        )
