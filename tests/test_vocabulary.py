"""A province's words are its rulebook's: a rulebook in other words (tests/data/rulebooks/otherland-2021.toml)
gets a template, a loader, findings and a demo province in those words, and nothing of Guangdong's."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checks.engine import assess
from checks.rulebook import DEFAULT_VOCABULARY, RulebookError, load_rulebook
from checks.schema import Level, OrgKind
from loaders.template import build_template, fill_template
from loaders.workbook import read_workbook
from reformboard.demo import build_demo
from tenants import db
from tenants.store import list_units
from tests.fixtures.cli import reformboard  # noqa: F401  (a fixture)
from tests.fixtures.workbooks import edited

OTHERLAND = Path(__file__).parent / "data" / "rulebooks" / "otherland-2021.toml"
TODAY = date(2025, 3, 1)
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def otherland():
    return load_rulebook(OTHERLAND)


@pytest.fixture(scope="module")
def demo(otherland):
    return build_demo(6, seed=3, today=TODAY, rulebook=otherland)


@pytest.fixture(scope="module")
def template(otherland):
    return load_workbook(io.BytesIO(build_template(otherland, otherland.campaign)))


@pytest.fixture(scope="module")
def uploaded(demo):
    """The demo upload with the longest meeting log: a roster and meetings in the province's words."""
    return max((s for s in demo.submissions), key=lambda s: len(s.report.meetings)).report


def drop_downs(sheet) -> dict[str, list[str]]:
    """Each list validation of a sheet by the column it starts in: its choices."""
    return {
        str(rule.sqref).split(":")[0].rstrip("0123456789"): rule.formula1.strip('"').split(",")
        for rule in sheet.data_validations.dataValidation
        if rule.type == "list"
    }


def headers(sheet) -> list[str]:
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def test_the_template_offers_the_rulebooks_words_in_its_drop_downs(template):
    organisations, meetings = drop_downs(template["组织架构"]), drop_downs(template["会议记录"])
    assert organisations["B"] == ["学校级", "系级"]
    assert organisations["C"] == ["学生联合会"]
    assert meetings["A"] == ["学代会", "常任代表会议", "述职会", "动员部署会"]


def test_the_template_asks_only_the_registrations_the_rulebook_names(template):
    roster = headers(template["工作人员名单"])
    assert roster[-1] == "是否在团员之家登记"
    assert not any("智慧团建" in h or "志愿" in h for h in roster)


def test_the_templates_guide_names_the_rulebooks_contact_office_and_unit_kinds(template):
    guide = " ".join(str(c) for row in template["填报说明"].iter_rows(values_only=True) for c in row if c)
    school = {row[0]: row[2] for row in template["学校信息"].iter_rows(min_row=2, values_only=True)}
    assert "如有疑问，请联系省学联秘书处。" in guide
    assert school["主管单位"] == "必填；市州团委或高校工委"
    assert "团省委学校部" not in guide


def test_a_workbook_in_the_rulebooks_words_loads_into_the_roles_the_rules_use(otherland, uploaded):
    data = fill_template(uploaded, otherland, otherland.campaign)
    result = read_workbook(data, "otherland.xlsx", otherland, today=TODAY)

    assert [p for p in result.problems if p.is_error] == []
    report = result.report
    assert {o.level for o in report.organisations} == {Level.SCHOOL, Level.COLLEGE}
    assert {o.kind for o in report.organisations} == {OrgKind.UNDERGRADUATE}
    assert {m.kind for m in report.meetings} <= {"学代会", "常任代表会议", "述职会", "动员部署会"}
    assert "常任代表会议" in {m.kind for m in report.meetings}  # a kind without a role is recorded too
    assert {s.zhtj_registered for s in report.staff} <= {True, False} and {
        s.ivolunteer_registered for s in report.staff
    } == {None}


def test_findings_speak_the_rulebooks_words(otherland, uploaded):
    assessment = assess(uploaded, otherland, otherland.campaign, TODAY)
    messages = [f.message for item in assessment.items for f in item.findings]
    congress = [m for m in messages if "学代会" in m]
    assert congress and not any("学生代表大会" in m or "智慧团建" in m for m in messages)
    assert any("团员之家" in m for m in messages)


def test_a_word_outside_the_vocabulary_is_refused_at_its_cell_naming_the_words_allowed(otherland, uploaded):
    data = fill_template(uploaded, otherland, otherland.campaign)
    guangdong_word = edited(data, lambda wb: wb["会议记录"].cell(3, 1, "学生代表大会"))

    result = read_workbook(guangdong_word, "otherland.xlsx", otherland, today=TODAY)

    [problem] = [p for p in result.problems if p.is_error]
    assert (problem.where, problem.field, problem.value) == ("会议记录!A3", "会议类型", "学生代表大会")
    assert problem.message == "“会议类型”应为以下之一：学代会、常任代表会议、述职会、动员部署会。"
    assert result.report is None


def test_the_demo_builds_the_rulebooks_units_and_organisations(demo):
    assert {(u.name, u.kind) for u in demo.units} == {
        ("北川市团委", "市州团委"),
        ("南湖州团委", "市州团委"),
        ("省高校工委", "高校工委"),
    }
    assert all(s.code.startswith("41990") for s in demo.schools)
    names = {o.name for s in demo.submissions for o in s.report.organisations}
    assert "校学生联合会" in names and not any(name.endswith(("学生会", "研究生会")) for name in names)


def test_demo_rulebook_stores_units_of_its_kinds(reformboard, db_url):  # noqa: F811
    code, out, err = reformboard("demo", "--rulebook", str(OTHERLAND), "--schools", "4", "--seed", "3")

    assert (code, err) == (0, "") and "3 个主管单位，4 所学校" in out
    engine = db.make_engine(db_url)
    try:
        with db.make_sessionmaker(engine)() as session:
            assert {(u.name, u.kind) for u in list_units(session)} == {
                ("北川市团委", "市州团委"),
                ("南湖州团委", "市州团委"),
                ("省高校工委", "高校工委"),
            }
    finally:
        engine.dispose()


def test_a_rulebook_without_vocabulary_gets_guangdongs_words_which_guangdong_writes_out(otherland, tmp_path):
    text = OTHERLAND.read_text(encoding="utf-8")
    without = tmp_path / "without.toml"
    without.write_text(text[: text.index("[vocabulary]")] + text[text.index("[scoring]") :], encoding="utf-8")

    guangdong, defaulted = load_rulebook("guangdong-2020"), load_rulebook(without)

    assert guangdong.vocabulary == defaulted.vocabulary != otherland.vocabulary
    assert defaulted.campaign.contact == guangdong.campaign.contact == "团省委学校部"


BAD_VOCABULARIES = [
    ('levels = { school = "学校级" }', "vocabulary.levels.college", "缺少此项"),
    ('levels = { school = "学校级", college = "系级", campus = "校区级" }', "vocabulary.levels.campus", "未知的角色"),
    ("unit_kinds = []", "vocabulary.unit_kinds", "至少有一个词"),
    ('unit_kinds = ["市州团委", "市州团委"]', "vocabulary.unit_kinds", "不能重复"),
    ("contact_office = 3", "vocabulary.contact_office", "类型不对"),
    ('meeting_kinds = [{ name = "学代会", role = "party" }]', "vocabulary.meeting_kinds[0].role", "未知的会议角色"),
    ('meeting_kinds = [{ title = "学代会" }]', "vocabulary.meeting_kinds[0]", "role 可省略"),
    (
        'registrations = { wechat = { system = "微信", action = "关注" } }',
        "vocabulary.registrations.wechat",
        "未知的登记系统",
    ),
    ('organisation_kinds = { graduate = "研究生会" }', "vocabulary.organisation_kinds.undergraduate", "缺少此项"),
    ('colour = "红"', "vocabulary.colour", "词汇表没有此项"),
    ('unit_kinds = ["市州团委,高校工委"]', "vocabulary.unit_kinds[0]", "不能含有英文逗号"),
    (
        "meeting_kinds = [" + ", ".join(f'{{ name = "第{n}种会议名称很长很长" }}' for n in range(30)) + "]",
        "vocabulary.meeting_kinds",
        "下拉列表最多 255 个字符",
    ),
    ("registrations = {}", "rules.zhtj_registered", "registrations 中没有 league_system"),
]


@pytest.mark.parametrize("line, key, problem", BAD_VOCABULARIES)
def test_a_bad_vocabulary_is_refused_on_load_naming_file_and_key(tmp_path, line, key, problem):
    text = OTHERLAND.read_text(encoding="utf-8")
    name = line.split(" = ")[0]
    kept = [row for row in text.splitlines() if not row.startswith(f"{name} = ")]
    if name == "meeting_kinds":  # drop the multi-line array
        start = kept.index('  { name = "学代会", role = "congress" },')
        kept = kept[:start] + kept[start + 5 :]
    bad = tmp_path / "bad.toml"
    bad.write_text("\n".join(kept).replace("[vocabulary]", f"[vocabulary]\n{line}", 1), encoding="utf-8")

    with pytest.raises(RulebookError) as refused:
        load_rulebook(bad)

    assert str(bad) in str(refused.value) and f": {key}: " in str(refused.value) and problem in str(refused.value)


def test_guangdongs_words_are_no_literals_in_code_outside_the_rulebooks():
    """They live in checks/rulebooks/guangdong-2020.toml and checks/default_vocabulary.toml; old
    migrations keep the lists the columns once had."""
    words = ("团省委学校部", "地市团委", "省直机关团工委", "智慧团建", "i志愿")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = [
        f"{name}: {word}"
        for name in files
        if not name.startswith(("tests/", "tenants/migrations/versions/"))
        for word in words
        if word in (REPO / name).read_text(encoding="utf-8")
    ]
    assert found == []
    assert all(word in DEFAULT_VOCABULARY.read_text(encoding="utf-8") for word in words)
    assert re.search("团省委学校部", (REPO / "checks/rulebooks/guangdong-2020.toml").read_text(encoding="utf-8"))
