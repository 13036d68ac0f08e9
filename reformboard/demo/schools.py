"""The demo province's supervising units and schools: names, codes, types, sizes and colleges."""

from __future__ import annotations

import random
from dataclasses import dataclass

from checks.schema import SchoolInfo
from loaders.layout import STAFF_INCREASE_REASONS
from reformboard.demo.model import DemoError
from reformboard.demo.province import DemoProvince, Region
from reformboard.demo.vocabulary import (
    ACADEMIC_COLLEGES,
    APPLIED_COLLEGES,
    UNIVERSITY_DISCIPLINES,
    VOCATIONAL_DISCIPLINES,
)

UNDERGRADUATE = "本科"
VOCATIONAL = "高职（专科）"
INDEPENDENT = "独立学院"
TYPE_SHARES = {UNDERGRADUATE: 0.4, VOCATIONAL: 0.5, INDEPENDENT: 0.1}
COLLEGE_POOL_SIZE = len(set(ACADEMIC_COLLEGES) | set(APPLIED_COLLEGES))


@dataclass(frozen=True)
class DemoSchool:
    info: SchoolInfo  # deputy_secretary holds the designated person; history decides when it shows
    region: Region
    undergraduates_by_college: tuple[int, ...]  # aligned with info.colleges
    graduates_by_college: tuple[int, ...]
    teacher: str  # a second League teacher who sometimes uploads


class SchoolNamer:
    """Unique school names per unit and type, the preferred place names used up first."""

    def __init__(self, rng: random.Random, independent_brands: tuple[str, ...]) -> None:
        self.rng = rng
        self.brands = independent_brands
        self.used: set[str] = set()
        self.candidates: dict[tuple[str, str], list[str]] = {}

    def name(self, region: Region, school_type: str) -> str:
        key = (region.unit.code, school_type)
        if key not in self.candidates:
            self.candidates[key] = self._candidates(region, school_type)
        pending = self.candidates[key]
        while pending:
            name = pending.pop()
            if name not in self.used:
                self.used.add(name)
                return name
        raise DemoError(f"演示数据中{region.unit.name}下的{school_type}学校名称已用尽，请减少学校数量")

    def _candidates(self, region: Region, school_type: str) -> list[str]:
        """Popped from the end: the last tier is the least preferred, so it goes first in the list."""
        ordered: list[str] = []
        for places in reversed(region.places):
            tier = [name for place in places for name in _names(place, school_type, self.brands)]
            self.rng.shuffle(tier)
            ordered.extend(tier)
        return ordered


def _names(place: str, school_type: str, brands: tuple[str, ...]) -> list[str]:
    if school_type == UNDERGRADUATE:
        return [f"{place}大学", f"{place}学院"] + [
            f"{place}{d}{suffix}" for d in UNIVERSITY_DISCIPLINES for suffix in ("大学", "学院")
        ]
    if school_type == VOCATIONAL:
        return [f"{place}职业技术学院"] + [
            f"{place}{d}{suffix}" for d in VOCATIONAL_DISCIPLINES for suffix in ("职业技术学院", "职业学院")
        ]
    parents = [f"{place}{d}大学" for d in UNIVERSITY_DISCIPLINES]
    return [f"{parent}{brand}学院" for parent in parents for brand in brands]


def school_codes(rng: random.Random, count: int, province: DemoProvince) -> list[str]:
    """Codes of the province's schools: its prefix, then distinct numbers filling ten digits."""
    width = 10 - len(province.school_code_prefix)
    numbers = rng.sample(range(10 ** (width - 1), 10 ** (width - 1) + max(10 ** (width - 1), 3 * count)), count)
    return [f"{province.school_code_prefix}{n}" for n in numbers]


def assign_regions(rng: random.Random, all_regions: tuple[Region, ...], count: int) -> list[Region]:
    """Every unit gets a school first (when there are enough), the rest follow the units' weights."""
    first = list(all_regions[:count])
    weights = [r.weight for r in all_regions]
    rest = rng.choices(all_regions, weights=weights, k=max(0, count - len(all_regions)))
    assigned = first + rest
    rng.shuffle(assigned)
    return assigned


def make_school(
    rng: random.Random, namer: SchoolNamer, region: Region, code: str, names: tuple[str, ...], roster_scale: float
) -> DemoSchool:
    school_type = rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()))[0]
    undergraduates, graduates, base_colleges, campuses = _sizes(rng, school_type)
    colleges = _colleges(rng, school_type, round(base_colleges * roster_scale))
    info = SchoolInfo(
        code=code,
        name=namer.name(region, school_type),
        unit=region.unit.name,
        school_type=school_type,
        undergraduates=undergraduates,
        graduates=graduates,
        colleges=colleges,
        campuses=campuses,
        contact_name=rng.choice(names),
        contact_phone=f"{region.area_code}-{rng.randint(30000000, 89999999)}",
        deputy_secretary=rng.choice(names),
        staff_increase_reason=STAFF_INCREASE_REASONS[1] if campuses > 1 else "",  # 分校区较多
        source="学校信息",
    )
    return DemoSchool(
        info=info,
        region=region,
        undergraduates_by_college=_split(rng, undergraduates, len(colleges)),
        graduates_by_college=_split(rng, graduates, len(colleges)),
        teacher=rng.choice(names),
    )


def _sizes(rng: random.Random, school_type: str) -> tuple[int, int, int, int]:
    """(undergraduates, graduates, colleges, campuses) for a school of this type."""
    if school_type == UNDERGRADUATE:
        graduates = 0 if rng.random() < 0.2 else round(rng.triangular(300, 15000, 1500))
        return rng.randint(9000, 45000), graduates, rng.randint(12, 30), rng.randint(1, 4)
    if school_type == INDEPENDENT:
        return rng.randint(6000, 22000), 0, rng.randint(8, 16), rng.randint(1, 2)
    return rng.randint(3000, 28000), 0, rng.randint(8, 20), rng.randint(1, 3)


def _colleges(rng: random.Random, school_type: str, count: int) -> tuple[str, ...]:
    preferred, others = (
        (APPLIED_COLLEGES, ACADEMIC_COLLEGES) if school_type == VOCATIONAL else (ACADEMIC_COLLEGES, APPLIED_COLLEGES)
    )
    count = max(1, min(count, COLLEGE_POOL_SIZE))
    if count <= len(preferred):
        return tuple(rng.sample(preferred, count))
    extra = [c for c in others if c not in preferred]
    return (*rng.sample(preferred, len(preferred)), *rng.sample(extra, count - len(preferred)))


def _split(rng: random.Random, total: int, parts: int) -> tuple[int, ...]:
    """Split total into parts of uneven size (0.4–1.6 of the mean) that add up exactly."""
    if total == 0:
        return (0,) * parts
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    shares[0] += total - sum(shares)
    return tuple(shares)
