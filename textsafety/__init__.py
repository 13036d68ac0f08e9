"""Text that is safe to store, print, write into a spreadsheet or a CSV file, or use as a file name.

Pure string functions, importable from every layer (loaders, tenants, reformboard; checks needs none).
The openpyxl side, which makes every text cell a string cell, is in textsafety.xlsx.
"""

from __future__ import annotations

import re
import unicodedata

# Never kept in text: C0 controls but tab, line feed and carriage return (illegal in XML, and ESC starts
# terminal escape sequences), DEL and C1 controls (CSI among them), the bidirectional embeddings,
# overrides and isolates (they make text display in another order than it is stored), and the two
# Unicode non-characters that XML forbids.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# A spreadsheet reads a field starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_NAME_LENGTH = 100  # school and unit names
EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
# A name's share of a file name's 255 bytes (most file systems); code, suffix and date take the rest.
NAME_BYTES_IN_FILE_NAME = 180


def strip_unsafe(text: str) -> str:
    return UNSAFE.sub("", text)


def has_unsafe(text: str) -> bool:
    return UNSAFE.search(text) is not None


def for_terminal(text: str) -> str:
    """The text with each unsafe character shown as an escape (\\x1b, \\u202e) instead of acting."""
    return UNSAFE.sub(lambda found: ascii(found[0])[1:-1], text)


def json_safe(text: str) -> str:
    """JSON text with each unsafe character written as \\uXXXX (json escapes C0 controls only): the same
    JSON value, nothing a terminal acts on."""
    return UNSAFE.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def csv_field(value: object) -> object:
    """A CSV field no spreadsheet runs: text starting (after blanks) with = + - @ tab or CR gets a
    leading apostrophe; unsafe characters are shown escaped. Numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    text = for_terminal(value)
    return "'" + text if looks_like_formula(text) else text


def name_problem(name: str, label: str) -> str | None:
    """What is wrong with a school or unit name typed by staff, in Chinese; None when it is fine."""
    if not name.strip():
        return f"{label}不能为空"
    if len(name) > MAX_NAME_LENGTH:
        return f"{label}过长（{len(name)} 个字符），最多 {MAX_NAME_LENGTH} 个字符"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name) or has_unsafe(name):
        return f"{label}中含有控制字符或改变文字方向的不可见字符，请删除后重新输入"
    return None


def email_problem(email: str) -> str | None:
    """What is wrong with an e-mail address (trimmed, lower case), in Chinese; None when it looks like one.
    Deliberately plain: what a mail server accepts is the server's to say; this catches typing slips."""
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.fullmatch(email) or ".." in email:
        return f"邮箱地址“{for_terminal(email[:60])}”格式不正确，应形如 tuanwei@example.edu.cn"
    return None


def file_name_part(text: str, max_bytes: int) -> str:
    """Text usable inside a file name: no path separators, reserved or unsafe characters, no blanks,
    at most max_bytes in UTF-8 (a file name may have 255 bytes on most file systems)."""
    kept = _NOT_IN_FILE_NAMES.sub("", strip_unsafe(text))
    return kept.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')
