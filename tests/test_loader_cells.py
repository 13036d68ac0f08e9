"""Cell values as schools type them are read into the schema's values."""

from datetime import date, datetime

import pytest

from checks.rulebook import load_rulebook
from loaders.cells import (
    BadValue,
    parse_bool,
    parse_choice,
    parse_code,
    parse_date,
    parse_int,
    parse_list,
    parse_percent,
    parse_text,
    parser_for,
    read_as_written,
)
from loaders.layout import Column, Kind, layout
from loaders.sheets import Reading, read_cell

GUANGDONG = layout(load_rulebook().vocabulary)
ORGANISATIONS = GUANGDONG.organisations
SCHOOL = GUANGDONG.school
STAFF = GUANGDONG.staff


@pytest.mark.parametrize(
    "raw",
    [
        date(2020, 6, 30),
        datetime(2020, 6, 30, 0, 0),
        44012,
        44012.0,
        "2020/6/30",
        "2020-06-30",
        "2020年6月30日",
        "2020.6.30",
        "20200630",
        "２０２０年６月３０日",
        "2020-06-30 00:00:00",
    ],
)
def test_a_day_is_read_whatever_the_notation(raw):
    assert parse_date(raw) == date(2020, 6, 30)


@pytest.mark.parametrize("raw", ["2020年6月", "2020.06", 2020.06, "2020-6", "2020/6"])
def test_a_month_alone_means_the_last_day_of_that_month(raw):
    assert parse_date(raw).value == date(2020, 6, 30)  # with a hint saying so (test_loader_hints)


@pytest.mark.parametrize("raw", ["2020.1", 2020.1])
def test_a_month_that_may_be_january_or_october_is_refused(raw):
    with pytest.raises(BadValue, match="1月还是10月"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["六月底", "2020-13-01", "2020-02-30", 12.5, True])
def test_words_and_impossible_dates_are_not_dates(raw):
    with pytest.raises(BadValue, match="日期"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["是", "√", "Y", "y", "有", "TRUE", True, 1, "1", " 是 "])
def test_yes(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "×", "N", "无", "FALSE", False, 0, "0"])
def test_no(raw):
    assert parse_bool(raw) is False


def test_a_yes_no_cell_with_another_word_is_refused():
    with pytest.raises(BadValue, match="是.*否"):
        parse_bool("待定")


@pytest.mark.parametrize("raw", [0.25, 25, "25", "25%", "前25%", "前 25 %", "２５％", "前百分之25"])
def test_a_rank_is_a_top_n_percentage(raw):
    assert parse_percent(raw) == pytest.approx(25)


@pytest.mark.parametrize("raw", [0, 150, "前列", "-5"])
def test_a_rank_outside_0_to_100_is_refused(raw):
    with pytest.raises(BadValue, match="前百分之几"):
        parse_percent(raw)


@pytest.mark.parametrize("raw, number", [(12, 12), (12.0, 12), ("１２", 12), ("12人", 12), (" 3 ", 3)])
def test_whole_numbers(raw, number):
    assert parse_int(raw) == number


@pytest.mark.parametrize("raw", [2.5, -1, "十二", True])
def test_not_whole_numbers(raw):
    with pytest.raises(BadValue, match="整数"):
        parse_int(raw)


@pytest.mark.parametrize(
    "raw, code",
    [
        (4144010561.0, "4144010561"),
        ("4144010561", "4144010561"),
        ("２０１９００１", "2019001"),
        ("2019001.0", "2019001"),
        ("S2019 001", "S2019001"),
    ],
)
def test_identifiers_are_text_without_a_decimal_point(raw, code):
    assert parse_code(raw) == code


def test_an_identifier_lost_to_scientific_notation_is_refused():
    with pytest.raises(BadValue, match="科学计数法"):
        parse_code("4.14401E+09")


def test_item_ids_typed_as_numbers_keep_their_decimal():
    assert parse_text(3.1) == "3.1"
    assert parse_text(10.2) == "10.2"


def test_free_text_keeps_full_width_punctuation():
    assert parse_text(" 活动，调研 ") == "活动，调研"


@pytest.mark.parametrize(
    "raw, word",
    [
        ("党员", "中共党员"),
        ("团员", "共青团员"),
        ("预备党员", "中共预备党员"),
        ("中共党员", "中共党员"),
        (" 群 众 ", "群众"),
    ],
)
def test_political_status_variants(raw, word):
    assert parse_choice(raw, STAFF.column("political").choices) == word


@pytest.mark.parametrize("raw", ["院级", "学院级", "院系级"])
def test_level_variants(raw):
    assert parse_choice(raw, ORGANISATIONS.column("level").choices) == "院级"


def test_full_width_brackets_in_a_choice_do_not_matter():
    assert parse_choice("高职(专科)", SCHOOL.column("school_type").choices) == "高职（专科）"


def test_a_word_outside_the_list_is_refused_naming_the_allowed_words():
    with pytest.raises(BadValue, match="中共党员、中共预备党员、共青团员、群众、其他"):
        parse_choice("民主党派", STAFF.column("political").choices)


def test_a_variant_only_applies_to_its_own_list():
    with pytest.raises(BadValue):
        parse_choice("党员", ORGANISATIONS.column("level").choices)


def test_lists_split_on_any_common_separator():
    assert parse_list("计算机学院、外国语学院，机械学院;\n艺术学院") == (
        "计算机学院",
        "外国语学院",
        "机械学院",
        "艺术学院",
    )


TEXTS = [
    "张三",
    " 张三",
    "张三\u3000",
    "",
    "  ",
    "2019001",
    "２０１９００１",
    "2019 001",
    "2.019E+09",
    "2019001.0",
    "A12",
]


@pytest.mark.parametrize(
    ("kind", "as_written"),
    [
        (Kind.TEXT, {"张三", "2019001", "２０１９００１", "2019 001", "2.019E+09", "2019001.0", "A12"}),
        (Kind.CODE, {"2019001"}),
    ],
)
def test_the_column_wide_test_passes_only_texts_their_parser_returns_unchanged(kind, as_written):
    column = Column("field", "列", kind, required=True)
    passed = {text for text, plain in zip(TEXTS, read_as_written(kind, TEXTS), strict=True) if plain}
    assert passed == as_written
    assert all(read_cell(column, text, parser_for(column), safe=True) == Reading(text) for text in passed)
