"""Every clause of the annex of 团粤办发〔2020〕14号 is accounted for by the Guangdong rulebook: each sub-item's
clauses quote its 内容 verbatim, each is covered by named automatic checks or is an on-site point, and
together they quote every word of the 内容 (punctuation aside).

The annex is read from the source document itself (shared/seeds/003_…), not from the rulebook, so a
clause left out or misquoted in the rulebook cannot hide."""

from __future__ import annotations

import re

import pytest

from checks.rulebook import Item, Rulebook, load_rulebook
from tests.fixtures.seeds import seed_text, uncovered

SEED = "003_868e54519a9175dd.txt"
ANNEX_START = "附件\n高校学生会（研究生会）深化改革任务列表"
_TASK_LINE = re.compile(r"^\t(\d+)$")  # the 序号 cell of a task
_ITEM_LINE = re.compile(r"^\t(?:\[bookmark: [^\]]*\])?(\d+)\.(\S.*)$")  # "1.根据改革任务列表……"


def annex_contents(text: str) -> dict[str, str]:
    """Sub-item id -> its 内容 as the annex writes it."""
    annex = text[text.index(ANNEX_START) :]
    contents: dict[str, str] = {}
    task = None
    for line in annex.splitlines():
        if match := _TASK_LINE.match(line):
            task = match[1]
        elif (match := _ITEM_LINE.match(line)) and task:
            contents[f"{task}.{match[1]}"] = match[2].strip()
    return contents


@pytest.fixture(scope="module")
def annex() -> dict[str, str]:
    return annex_contents(seed_text(SEED))


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def test_the_annex_has_the_27_sub_items_of_the_rulebook_with_the_same_content(annex, book):
    assert list(annex) == [item.id for item in book.items]
    assert {item.id: item.content for item in book.items} == annex


@pytest.mark.parametrize("item_id", [item.id for item in load_rulebook().items])
def test_every_clause_is_quoted_verbatim_from_its_sub_item(annex, book, item_id):
    item = book.item(item_id)
    assert item.clauses, f"{item_id} lists no clauses"
    for clause in item.clauses:
        assert clause.text in annex[item_id], clause.text


@pytest.mark.parametrize("item_id", [item.id for item in load_rulebook().items])
def test_every_clause_is_checked_automatically_or_on_site(book, item_id):
    item: Item = book.item(item_id)
    for clause in item.clauses:
        if clause.automatic:
            assert set(clause.checks) <= set(item.checks), clause.text
            assert not clause.onsite, clause.text
        else:
            assert clause.onsite.strip(), f"{clause.text}: an on-site point must say what to look at"


@pytest.mark.parametrize("item_id", [item.id for item in load_rulebook().items])
def test_the_clauses_together_quote_every_word_of_the_content(annex, book, item_id):
    quotes = [clause.text for clause in book.item(item_id).clauses]
    assert uncovered(annex[item_id], quotes) == []


def test_an_automatic_check_of_a_sub_item_backs_some_clause_of_it(book):
    """A check listed on an item but named by none of its clauses says nothing the annex asks: there is none
    (non_cadre_delegates, from 甘肃's plan, is not applied in Guangdong)."""
    unnamed = {
        (item.id, check)
        for item in book.items
        for check in item.checks
        if not any(check in clause.checks for clause in item.clauses)
    }
    assert unnamed == set()


@pytest.mark.parametrize(
    "item_id, text",
    [
        ("6.2", "学代会选举结果应当向大会公告"),
        ("9.2", "党委负责学生工作的副书记分管学生会（研究生会）工作"),
        ("9.2", "负责教学工作的副校长参与学生会（研究生会）管理"),
        ("10.2", "学生会（研究生会）团支部书记由学生会（研究生会）主要负责人兼任"),
        ("5.1", "学生会（研究生会）主席团由学生代表大会选举产生"),
        ("2.1", "以学期为一个轮值周期"),
        ("6.1", "年级及主要学生社团"),
    ],
)
def test_the_clauses_no_check_covered_are_on_site_points(book, item_id, text):
    [clause] = [c for c in book.item(item_id).clauses if c.text == text]
    assert not clause.automatic and clause.onsite


def test_the_coverage_measure_finds_words_left_out():
    content = "制定章程。学代会选举结果应当向大会公告，并经同级党委批准。"
    assert uncovered(content, ["制定章程", "并经同级党委批准"]) == ["学代会选举结果应当向大会公告"]
    assert uncovered(content, ["制定章程", "学代会选举结果应当向大会公告", "并经同级党委批准"]) == []
