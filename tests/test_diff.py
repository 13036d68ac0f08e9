"""What changed between two submissions of one school (reformboard.diff)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from checks.schema import ItemReport, ItemStatus, SchoolReport
from reformboard.diff import FigureChange, diff_reports
from tests.fixtures.wust import wust_report


def test_a_report_compared_with_itself_is_unchanged() -> None:
    assert diff_reports(wust_report(), wust_report()).unchanged


def test_items_whose_status_date_or_evidence_changed_are_listed_with_both_versions() -> None:
    older = wust_report()
    newer = _with_item(older, replace(older.item("5.3"), status=ItemStatus.DONE, completed_on=date(2020, 10, 9)))
    newer = _with_item(newer, replace(newer.item("7.4"), evidence="章程修订稿"))
    changes = {c.item_id: c for c in diff_reports(older, newer).items}
    assert set(changes) == {"5.3", "7.4"}
    assert changes["5.3"].before.status is ItemStatus.IN_PROGRESS
    assert changes["5.3"].after.completed_on == date(2020, 10, 9)


def test_an_item_missing_from_one_report_is_a_change() -> None:
    older = wust_report()
    newer = replace(older, items=tuple(i for i in older.items if i.item_id != "1.1"))
    [change] = diff_reports(older, newer).items
    assert (change.item_id, change.after) == ("1.1", None)


def test_roster_rows_are_matched_by_student_number() -> None:
    older = wust_report()
    leaver, renamed = older.staff[0], older.staff[1]
    newcomer = replace(older.staff[2], name="新同学", student_no="209999")
    newer = replace(older, staff=(replace(renamed, name="改名"), *older.staff[2:], newcomer))
    diff = diff_reports(older, newer)
    assert diff.removed == (leaver,)
    assert diff.added == (newcomer,)
    assert diff.moved == ()


def test_a_person_with_another_title_is_moved_not_replaced() -> None:
    older = wust_report()
    deputy = older.staff[6]
    assert deputy.title == "副部长"
    newer = replace(older, staff=(*older.staff[:6], replace(deputy, title="部长"), *older.staff[7:]))
    diff = diff_reports(older, newer)
    assert (diff.added, diff.removed) == ((), ())
    assert [(m.before.title, m.after.title) for m in diff.moved] == [("副部长", "部长")]


def test_changed_figures_name_the_figure_and_both_values() -> None:
    older = wust_report()
    newer = replace(older, school=replace(older.school, graduates=6000), staff=older.staff[:-1])
    figures = diff_reports(older, newer).figures
    organisation = older.staff[-1].organisation
    assert FigureChange("研究生人数", older.school.graduates, 6000) in figures
    assert FigureChange("工作人员总数", len(older.staff), len(older.staff) - 1) in figures
    assert any(f.label == f"{organisation}工作人员" for f in figures)
    assert all(f.label != "本科生人数" for f in figures)


def _with_item(report: SchoolReport, item: ItemReport) -> SchoolReport:
    return replace(report, items=tuple(item if i.item_id == item.item_id else i for i in report.items))
