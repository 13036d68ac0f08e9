"""The province a rulebook's optional [demo] table describes: its supervising units, the places its
schools are named after, and what its schools write about the task list.

Read when `reformboard demo` builds from that rulebook, and checked then: a rulebook without the
table, or with a key missing or of the wrong type, is refused with the key named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.rulebook import Rulebook
from reformboard.demo.model import DemoError, DemoUnit

_UNIT_KEYS = {"code", "name", "kind", "area_code", "weight", "places"}


@dataclass(frozen=True)
class Region:
    unit: DemoUnit
    area_code: str  # telephone
    places: tuple[tuple[str, ...], ...]  # name prefixes, preferred tier first
    weight: int  # relative share of the province's schools


@dataclass(frozen=True)
class DemoProvince:
    regions: tuple[Region, ...]
    school_code_prefix: str  # the first digits of its schools' 学校标识码
    independent_brands: tuple[str, ...]  # an independent college: parent university + brand word
    evidence: Mapping[str, str]  # by item id: what a school cites when it reports the item done
    not_applicable: Mapping[str, str]  # by item id: why a school may report it not applicable


def province_of(rulebook: Rulebook) -> DemoProvince:
    reader = _Reader(rulebook)
    raw = rulebook.demo
    if not raw:
        raise DemoError(f"规则手册 {rulebook.id} 没有 [demo] 表，无法生成演示省份（写法见 guangdong-2020.toml 末尾）")
    units = reader.get(raw, "units", list)
    return DemoProvince(
        regions=tuple(reader.region(body, f"units[{n}]") for n, body in enumerate(units)) or reader.empty("units"),
        school_code_prefix=reader.code_prefix(reader.get(raw, "school_code_prefix", str)),
        independent_brands=reader.texts(reader.get(raw, "independent_brands", list), "independent_brands"),
        evidence=reader.table(raw, "evidence"),
        not_applicable=reader.table(raw, "not_applicable"),
    )


class _Reader:
    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook

    def fail(self, key: str, problem: str) -> DemoError:
        return DemoError(f"规则手册 {self.rulebook.id} 的 demo.{key}：{problem}")

    def empty(self, key: str) -> tuple[Any, ...]:
        raise self.fail(key, "至少要有一项")

    def get(self, table: Mapping[str, Any], key: str, kind: type, where: str = "") -> Any:
        if key not in table:
            raise self.fail(f"{where}{key}", "缺少此项")
        if not isinstance(table[key], kind) or isinstance(table[key], bool):
            raise self.fail(f"{where}{key}", f"类型不对（{type(table[key]).__name__}）")
        return table[key]

    def code_prefix(self, prefix: str) -> str:
        """At most 5 digits, so the 3 × 5,000 codes the demo may draw still fit in ten."""
        if not (prefix.isascii() and prefix.isdigit() and 1 <= len(prefix) <= 5):
            raise self.fail("school_code_prefix", f"应为 1 至 5 位数字，现为 {prefix!r}")
        return prefix

    def texts(self, values: Any, key: str) -> tuple[str, ...]:
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise self.fail(key, "应为非空的文字列表")
        return tuple(values)

    def table(self, raw: Mapping[str, Any], key: str) -> dict[str, str]:
        table = raw.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise self.fail(key, "应为以子项编号为键、文字为值的表")
        return table

    def region(self, body: Any, key: str) -> Region:
        if not isinstance(body, dict) or set(body) != _UNIT_KEYS:
            raise self.fail(key, f"应有且只有这些项：{'、'.join(sorted(_UNIT_KEYS))}")
        where = f"{key}."
        kind = self.get(body, "kind", str, where)
        kinds = self.rulebook.vocabulary.unit_kinds
        if kind not in kinds:
            raise self.fail(f"{where}kind", f"“{kind}”不在词汇表的单位类型（{'、'.join(kinds)}）中")
        places = self.get(body, "places", list, where)
        return Region(
            unit=DemoUnit(self.get(body, "code", str, where), self.get(body, "name", str, where), kind),
            area_code=self.get(body, "area_code", str, where),
            places=tuple(self.texts(tier, f"{where}places[{n}]") for n, tier in enumerate(places))
            or self.empty(f"{where}places"),
            weight=self.get(body, "weight", int, where),
        )
