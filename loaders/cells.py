"""Turn one cell's raw value into the schema's value, forgiving the ways people really type.

Each parser takes what the reader returned (str, float, int, bool, date, datetime, time, timedelta
or "" for empty; a time or duration is read as the text it shows) and returns the normalised value,
or raises BadValue with a Chinese message saying what is expected. A value read on an assumption the
school should see (a month read as its last day) comes back as Noted, saying what was assumed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from checks.errors import DomainError
from loaders.layout import Column, Kind
from textsafety import email_problem


class BadValue(DomainError, ValueError):
    """A value that cannot be read; the message says what is expected."""


@dataclass(frozen=True, slots=True)
class Noted:
    """A value read on an assumption; `hint` says in Chinese what was assumed (the reader makes it a 提示)."""

    value: Any
    hint: str


def clean(text: str) -> str:
    """Full-width to half-width (NFKC), line breaks and surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).replace("\r", "").replace("\n", "").strip()


def squeeze(text: str) -> str:
    """clean() and no whitespace at all: for comparing words and numbers."""
    return re.sub(r"\s+", "", clean(text))


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """The value as the school sees it in the cell, for messages."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- text and identifiers -----------------------------------------------------------------------


def parse_text(value: Any) -> str:
    """Free text as written (full-width punctuation kept), without surrounding spaces."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and not value.is_integer():
        return repr(value)  # "3.1", not "3.1000000000000001"
    return shown(value).strip()


def parse_code(value: Any) -> str:
    """Identifiers (school codes, student numbers) as text, never "2019001.0" or "2.019E+09"."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value  # the common case, typed as text as the template asks: nothing to normalise
    if isinstance(value, (bool, dt.date, dt.datetime)):
        raise BadValue("应为编号（数字或字母），请按文本格式填写")
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue("编号不应有小数，请将单元格设为“文本”格式后重新输入完整编号")
        return str(int(value))
    text = squeeze(str(value))
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        raise BadValue("编号显示为科学计数法，数字已丢失；请将单元格设为“文本”格式后重新输入完整编号")
    return text.removesuffix(".0") if re.fullmatch(r"\d+\.0", text) else text


def read_as_written(kind: Kind, texts: Sequence[str]) -> Iterator[bool] | None:
    """For each text, whether the parser of `kind` returns it unchanged, with nothing to tell (for TEXT:
    filled, no space around it; for CODE: ASCII digits), tested by string methods mapped over the whole
    column. A roster's names and student numbers are all distinct, and parsing each one took 3 µs on
    the bench machine. None for the kinds without such a test."""
    if kind is Kind.TEXT:
        return map(operator.and_, map(bool, texts), map(operator.eq, texts, map(str.strip, texts)))
    if kind is Kind.CODE:
        return map(operator.and_, map(str.isascii, texts), map(str.isdigit, texts))
    return None


# --- numbers ------------------------------------------------------------------------------------

_UNITS = "人个名门次所项"
_NONE_WORDS = {"无", "没有"}  # what people type into a count column for "none"


def parse_int(value: Any) -> int | Noted:
    if isinstance(value, bool):
        raise BadValue("应为整数，如 12")
    if isinstance(value, (int, float)):
        number = value
    else:
        text = squeeze(str(value)).rstrip(_UNITS)
        if text in _NONE_WORDS:
            return Noted(0, f"填写“{text}”，已按 0 读取；如不是 0，请填写具体数字")
        try:
            number = float(text)
        except ValueError:
            raise BadValue("应为整数，如 12（只填数字）") from None
    if not float(number).is_integer() or number < 0:
        raise BadValue("应为不小于 0 的整数，如 12")
    return int(number)


def parse_percent(value: Any) -> float:
    """A top-N percentage: 25, 0.25, "25%", "前25%", "前百分之25" all mean the top 25%."""
    if isinstance(value, bool):
        raise BadValue(_PERCENT_HINT)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = squeeze(str(value)).removeprefix("前").removeprefix("百分之").removesuffix("以内")
        percent_sign = text.endswith("%")
        try:
            number = float(text.rstrip("%"))
        except ValueError:
            raise BadValue(_PERCENT_HINT) from None
        if percent_sign:
            return _percent_in_range(number)
    return _percent_in_range(number * 100 if 0 < number < 1 else number)


_PERCENT_HINT = "应为本专业综合排名的前百分之几，填数字即可，如 25（表示前25%）"


def _percent_in_range(number: float) -> float:
    if not 0 < number <= 100:
        raise BadValue(_PERCENT_HINT + "；数值应在 0 到 100 之间")
    return number


# --- dates --------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(36526, 73051)  # 2000-01-01 .. 2099-12-31: a plain number in this range is a date
_DATE_HINT = "应为日期，如 2020-06-30、2020/6/30 或 2020年6月30日"
_FULL = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(\s.*)?")
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# A second day after the first, as a congress over two days is written: 2020年10月17、18日, 2020.10.17-18.
_DAYS = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*[、,，和及与至到~～—–-]\s*"
    r"(?:\d{4}[-/.年])?(?:\d{1,2}[-/.月])?\d{1,2}日?"
)


def parse_date(value: Any) -> dt.date | Noted:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise BadValue(_DATE_HINT)
    if isinstance(value, (int, float)):
        return _date_from_number(value)
    return _date_from_text(clean(str(value)))


def _date_from_number(number: float) -> dt.date | Noted:
    if 2000 <= number < 2100 and not float(number).is_integer():
        return _date_from_text(repr(float(number)))  # 2020.06 typed into a number cell
    if float(number).is_integer() and int(number) in _SERIALS:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    if float(number).is_integer():
        return _date_from_text(str(int(number)))  # 20200630
    raise BadValue(_DATE_HINT)


def _date_from_text(text: str) -> dt.date | Noted:
    if re.fullmatch(r"\d{4}\.1", text):
        raise BadValue("“" + text + "”无法确定是1月还是10月，请写成完整日期，如 2020-10-31 或 2020年1月31日")
    if m := _DAYS.fullmatch(text):
        raise BadValue(
            f"“{text}”写了不止一天；请只填第一天（{m[1]}年{int(m[2])}月{int(m[3])}日），其余日期写在“说明”（备注）栏"
        )
    try:
        if m := _FULL.fullmatch(text) or _COMPACT.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.fullmatch(text):  # a month alone means by the end of that month
            return _month_end(int(m[1]), int(m[2]))
    except ValueError:
        raise BadValue(f"“{text}”不是有效日期，" + _DATE_HINT) from None
    raise BadValue(_DATE_HINT)


def _month_end(year: int, month: int) -> Noted:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return Noted(
        last, f"只填了年月（{year}年{month}月），已按该月最后一天 {last.isoformat()} 读取；如有确切日期，请填写完整日期"
    )


# --- yes/no, choices, lists ---------------------------------------------------------------------

_YES = {"是", "√", "✓", "✔", "Y", "YES", "有", "TRUE", "1", "对"}
_NO = {"否", "×", "X", "✗", "✘", "N", "NO", "无", "FALSE", "0", "没有", "不是"}
_EXACT_BOOL = {"是": True, "否": False}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in _EXACT_BOOL:  # the template's own words, without normalising
        return _EXACT_BOOL[value]
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = squeeze(str(value)).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadValue("应填“是”或“否”")


# Variants people write for a closed-list word; applied only when the word is in the column's list.
VARIANTS = {
    "党员": "中共党员",
    "正式党员": "中共党员",
    "共产党员": "中共党员",
    "预备党员": "中共预备党员",
    "团员": "共青团员",
    "共青团": "共青团员",
    "学院级": "院级",
    "院系级": "院级",
    "二级学院": "院级",
    "学院": "院级",
    "院": "院级",
    "学校级": "校级",
    "学校": "校级",
    "校": "校级",
    "学代会": "学生代表大会",
    "研代会": "研究生代表大会",
    "研会": "研究生会",
    "研究生会(研会)": "研究生会",
    "完成": "已完成",
    "已经完成": "已完成",
    "进行中": "推进中",
    "正在推进": "推进中",
    "推进": "推进中",
    "未开始": "未启动",
    "尚未启动": "未启动",
    "不涉及": "不适用",
    "无此项": "不适用",
    "高职": "高职（专科）",
    "专科": "高职（专科）",
    "高职高专": "高职（专科）",
}
_VARIANTS = {squeeze(k): v for k, v in VARIANTS.items()}


def parse_choice(value: Any, choices: tuple[str, ...]) -> str:
    if value in choices:  # the template's own words, without normalising
        return value
    word = squeeze(shown(value))
    by_key = _choice_keys(choices)
    if word in by_key:
        return by_key[word]
    canonical = _VARIANTS.get(word)
    if canonical in choices:
        return canonical
    raise BadValue("应为以下之一：" + "、".join(choices))


@functools.cache
def _choice_keys(choices: tuple[str, ...]) -> dict[str, str]:
    return {squeeze(c): c for c in choices}


_SEPARATORS = re.compile(r"[、,，;；\n/]+")


def parse_list(value: Any) -> tuple[str, ...]:
    parts = (clean(p) for p in _SEPARATORS.split(unicodedata.normalize("NFKC", shown(value))))
    return tuple(p for p in parts if p)


def parse_emails(value: Any) -> str:
    """Addresses in lower case joined by 、; BadValue naming the first that is not an address."""
    emails = [email.lower() for email in parse_list(value)]
    for email in emails:
        if problem := email_problem(email):
            raise BadValue(problem)
    return "、".join(dict.fromkeys(emails))


def parser_for(column: Column) -> Callable[[Any], Any]:
    if column.kind is Kind.CHOICE:
        return lambda value: parse_choice(value, column.choices)
    return _PARSERS[column.kind]


_PARSERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: parse_text,
    Kind.CODE: parse_code,
    Kind.INT: parse_int,
    Kind.PERCENT: parse_percent,
    Kind.DATE: parse_date,
    Kind.BOOL: parse_bool,
    Kind.LIST: parse_list,
    Kind.EMAILS: parse_emails,
}
