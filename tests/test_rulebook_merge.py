"""A rulebook may name a base and change only what differs: tables merge key by key, tasks and items by
id, other values replace the base's, [remove] drops tasks, items and rules; found by path or by id in the
folders given, besides the built-in ones."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checks.rulebook import RulebookError, available_rulebooks, build_rulebook, load_rulebook, read_rulebook
from checks.rulebook_merge import MergeConflict, merge

VARIANT = """
base = "guangdong-2020"
id = "college-variant"
name = "某职业学院学生会深化改革方案"

[campaign]
id = "college-2021"
name = "2021年某职业学院学生会深化改革"
starts_on = 2021-03-01

[rules.school_presidium_size]
max = 7

[remove]
items = ["1.3"]
rules = ["training_meeting"]

[[tasks]]
id = "3"

  [[tasks.items]]
  id = "3.1"
  due = "2021-06"

  [[tasks.items]]
  id = "3.3"
  due = "2021-09-30"
  due_source = "学院方案"
  checks = []
  content = "建立学生会工作例会制度。"
"""


OTHERLAND = Path(__file__).parent / "data" / "rulebooks" / "otherland-2021.toml"


@pytest.fixture
def variant_path(tmp_path: Path) -> Path:
    path = tmp_path / "college-variant.toml"
    path.write_text(VARIANT, encoding="utf-8")
    return path


def test_a_variant_changes_one_parameter_and_keeps_the_rest(variant_path):
    base, book = load_rulebook(), load_rulebook(variant_path)
    assert book.id == "college-variant" and book.rules["school_presidium_size"].param("max") == 7
    assert book.rules["school_presidium_size"].label == base.rules["school_presidium_size"].label
    assert book.rules["school_staff_size"] == base.rules["school_staff_size"]
    assert book.campaign.id == "college-2021" and book.campaign.starts_on == date(2021, 3, 1)
    assert book.campaign.acceptance_on == base.campaign.acceptance_on  # not restated, so the base's
    assert book.scoring == base.scoring


def test_items_merge_by_id_new_ones_follow_and_removed_ones_go(variant_path):
    book = load_rulebook(variant_path)
    assert [item.id for item in book.task("3").items] == ["3.1", "3.2", "3.3"]
    assert book.item("3.1").due == date(2021, 6, 30)
    assert book.item("3.1").checks == load_rulebook().item("3.1").checks
    assert book.item("3.3").due_source == "学院方案"
    assert [item.id for item in book.task("1").items] == ["1.1", "1.2", "1.4"]
    assert "training_meeting" not in book.rules


def test_the_chain_is_read_base_first_and_rebuilt_from_its_texts_alone(variant_path):
    texts = read_rulebook(variant_path)
    assert [text.id for text in texts] == ["guangdong-2020", "college-variant"]
    variant_path.unlink()
    assert build_rulebook(texts).item("3.3").content == "建立学生会工作例会制度。"


def test_found_by_id_in_a_configured_folder_and_listed(variant_path):
    folder = variant_path.parent
    assert load_rulebook("college-variant", [folder]).id == "college-variant"
    assert variant_path in available_rulebooks([folder])
    with pytest.raises(RulebookError, match="找不到规则手册 college-variant"):
        load_rulebook("college-variant")


def test_a_variant_keeps_the_bases_vocabulary_and_demo_and_may_change_one_word(tmp_path):
    path = tmp_path / "college-variant.toml"
    path.write_text(VARIANT + '\n[vocabulary]\ncontact_office = "院团委"\n', encoding="utf-8")
    base, book = load_rulebook(), load_rulebook(path)
    assert book.vocabulary == replace(base.vocabulary, contact_office="院团委")
    assert book.demo == base.demo and book.demo["school_code_prefix"] == "41440"


def test_a_list_replaces_the_base_list_whole():
    base = {"id": "a", "campaign": {"id": "x"}, "verdict": {"blocking": ["不符合", "需关注"]}, "tasks": []}
    variant = {"id": "b", "campaign": {"id": "y"}, "verdict": {"blocking": ["不符合"]}}
    assert merge(base, variant)["verdict"] == {"blocking": ["不符合"]}


def test_an_item_given_its_own_deadline_no_longer_shares_one():
    base = {
        "id": "a",
        "campaign": {"id": "x"},
        "tasks": [{"id": "9", "items": [{"id": "9.1", "due": "2020-10"}, {"id": "9.2", "due_with": "9.1"}]}],
    }
    variant = {"id": "b", "campaign": {"id": "y"}, "tasks": [{"id": "9", "items": [{"id": "9.2", "due": "2021-01"}]}]}
    assert merge(base, variant)["tasks"][0]["items"][1] == {"id": "9.2", "due": "2021-01"}


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"id": "guangdong-2020"}, "id", "须有自己的 id"),
        ({"campaign": {"id": "gd-2020"}}, "campaign.id", "自己的验收批次编号"),
        ({"remove": {"items": ["1.9"]}}, "remove.items", "没有要删除的 1.9"),
        ({"remove": {"checks": ["x"]}}, "remove", "只能含 tasks、items、rules"),
        ({"tasks": [{"name": "无编号"}]}, "tasks[0].id", "须写明 id"),
    ],
)
def test_a_variant_that_cannot_be_laid_over_its_base_is_refused(change, key, message):
    base = {"id": "guangdong-2020", "campaign": {"id": "gd-2020"}, "tasks": [{"id": "1", "items": [{"id": "1.1"}]}]}
    variant = {"id": "v", "campaign": {"id": "v-1"}, **change}
    with pytest.raises(MergeConflict, match=message) as caught:
        merge(base, variant)
    assert caught.value.key == key


def test_a_merge_problem_names_the_variant_file(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text('base = "guangdong-2020"\nid = "v"\n[campaign]\nid = "v-1"\n[remove]\nrules = ["nope"]\n')
    with pytest.raises(RulebookError, match=r"v\.toml: remove\.rules: 底本中没有要删除的 nope"):
        load_rulebook(path)


def test_a_base_that_names_itself_is_refused(tmp_path):
    path = tmp_path / "loop.toml"
    path.write_text('base = "loop"\nid = "loop"\n', encoding="utf-8")
    with pytest.raises(RulebookError, match="不能循环引用"):
        read_rulebook(path)


def test_a_variant_keeps_its_bases_vocabulary_and_demo_table_and_may_change_one_word(tmp_path):
    path = tmp_path / "otherland-college.toml"
    path.write_text(
        'base = "otherland-2021"\nid = "otherland-college"\nname = "某学院方案"\n\n'
        '[campaign]\nid = "ol-college-2022"\nname = "2022年某学院"\n\n'
        '[vocabulary]\ncontact_office = "学院团委"\n',
        encoding="utf-8",
    )
    base, book = load_rulebook(OTHERLAND), load_rulebook(path, (OTHERLAND.parent,))
    assert book.vocabulary == replace(base.vocabulary, contact_office="学院团委")
    assert book.demo == base.demo != {}
    assert book.campaign.contact_office == "学院团委"


NO_VOLUNTEER_SYSTEM = """
base = "guangdong-2020"
id = "no-volunteer-system"
[campaign]
id = "no-volunteer-2021"
[remove]
rules = ["ivolunteer_registered"]
keys = ["vocabulary.registrations.volunteer_system"]
"""


def test_a_variant_drops_a_key_of_a_base_table_and_the_base_stays_as_read(tmp_path):
    path = tmp_path / "no-volunteer-system.toml"
    path.write_text(NO_VOLUNTEER_SYSTEM, encoding="utf-8")
    book = load_rulebook(path)
    assert [r.field for r in book.vocabulary.registrations] == ["zhtj_registered"]
    assert "ivolunteer_registered" not in book.rules
    [item] = [i for i in book.items if "zhtj_registered" in i.checks]
    assert "ivolunteer_registered" not in item.checks  # no longer cited, and the clause it alone checked is gone
    assert [c.text for c in item.clauses if "i志愿" in c.text] == []
    base = load_rulebook()
    [base_item] = [i for i in base.items if "zhtj_registered" in i.checks]
    assert len(base_item.clauses) == len(item.clauses) + 1
    assert [r.field for r in base.vocabulary.registrations] == ["zhtj_registered", "ivolunteer_registered"]


@pytest.mark.parametrize("path", ["vocabulary.registrations.nope", "nope.registrations", "vocabulary.contact_office.x"])
def test_dropping_a_key_the_base_lacks_names_it(tmp_path, path):
    text = NO_VOLUNTEER_SYSTEM.replace('keys = ["vocabulary.registrations.volunteer_system"]', f'keys = ["{path}"]')
    variant = tmp_path / "v.toml"
    variant.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError, match=f"remove.keys.*底本中没有要删除的 {path}"):
        load_rulebook(variant)
