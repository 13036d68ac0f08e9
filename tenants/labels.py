"""A catalogue of actions: each member's value is what is stored, its `label` the Chinese words shown."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledAction(StrEnum):
    """Members are written `NAME = "value", "中文说明"`; a new one is one line in its catalogue."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
