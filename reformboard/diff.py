"""What changed between two reports of one school: sub-items, roster rows and headline figures. Pure.

Roster rows are matched by student number, so a renamed row is the same person and a person who moved
to another organisation or title is "moved", not removed and added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from checks.schema import ItemReport, SchoolReport, StaffMember


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    before: ItemReport | None  # None: the sub-item was not reported in the older report
    after: ItemReport | None


@dataclass(frozen=True)
class FigureChange:
    label: str  # Chinese, as shown to users: "工作人员总数", "校学生会工作人员"
    before: int | None
    after: int | None


@dataclass(frozen=True)
class StaffMove:
    before: StaffMember
    after: StaffMember


@dataclass(frozen=True)
class ReportDiff:
    items: tuple[ItemChange, ...]
    added: tuple[StaffMember, ...]  # in the newer roster only
    removed: tuple[StaffMember, ...]  # in the older roster only
    moved: tuple[StaffMove, ...]  # same student number, another organisation, title or department
    figures: tuple[FigureChange, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.items or self.added or self.removed or self.moved or self.figures)


def diff_reports(older: SchoolReport, newer: SchoolReport) -> ReportDiff:
    before_staff, after_staff = _by_student_no(older.staff), _by_student_no(newer.staff)
    return ReportDiff(
        items=_item_changes(older, newer),
        added=tuple(s for no, s in after_staff.items() if no not in before_staff),
        removed=tuple(s for no, s in before_staff.items() if no not in after_staff),
        moved=tuple(
            StaffMove(before_staff[no], s)
            for no, s in after_staff.items()
            if no in before_staff and _post(before_staff[no]) != _post(s)
        ),
        figures=tuple(
            FigureChange(label, before, after)
            for label, (before, after) in _paired(figures(older), figures(newer)).items()
            if before != after
        ),
    )


def _item_changes(older: SchoolReport, newer: SchoolReport) -> tuple[ItemChange, ...]:
    before = {i.item_id: i for i in older.items}
    after = {i.item_id: i for i in newer.items}
    ids = list(dict.fromkeys([*after, *before]))  # the newer report's order, then dropped items
    return tuple(
        ItemChange(item_id, before.get(item_id), after.get(item_id))
        for item_id in ids
        if _state(before.get(item_id)) != _state(after.get(item_id))
    )


def _state(item: ItemReport | None) -> tuple[object, ...] | None:
    return None if item is None else (item.status, item.completed_on, item.evidence.strip())


def _by_student_no(staff: tuple[StaffMember, ...]) -> dict[str, StaffMember]:
    rows: dict[str, StaffMember] = {}
    for member in staff:
        rows.setdefault(member.student_no.strip(), member)  # a repeated number counts once
    return rows


def _post(member: StaffMember) -> tuple[str, str, str]:
    return member.organisation, member.title, member.department


def figures(report: SchoolReport) -> dict[str, int | None]:
    """The headline numbers of a report, labelled as the board shows them."""
    info = report.school
    numbers: dict[str, int | None] = {
        "本科生人数": info.undergraduates,
        "研究生人数": info.graduates,
        "学院（系）数": len(info.colleges),
        "校区数": info.campuses,
        "组织数": len(report.organisations),
        "工作人员总数": len(report.staff),
        "会议记录数": len(report.meetings),
    }
    per_organisation = Counter(s.organisation for s in report.staff)
    for org in report.organisations:
        numbers[f"{org.name}工作人员"] = per_organisation[org.name]
        numbers[f"{org.name}主席团人数（填报）"] = org.presidium_size
        numbers[f"{org.name}工作部门数（填报）"] = org.department_count
    return numbers


def _paired(before: dict[str, int | None], after: dict[str, int | None]) -> dict[str, tuple[int | None, int | None]]:
    labels = list(dict.fromkeys([*before, *after]))
    return {label: (before.get(label), after.get(label)) for label in labels}
