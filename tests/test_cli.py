"""The command line as a provincial staffer uses it: init, demo, score, template, load — on both databases."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checks.results import DeadlineState, Severity, Verdict
from checks.rulebook import load_rulebook
from loaders.template import fill_template
from reformboard.cli import main
from reformboard.demo import build_demo
from tests.fixtures.cli import score_json
from tests.fixtures.workbooks import zip_bomb

REPO = Path(__file__).parents[1]

RULEBOOK = load_rulebook()


def test_score_json_has_one_object_per_school_in_the_documented_shape(demo_db, capsys):
    schools = score_json(capsys)
    assert len(schools) == 6
    for school in schools:
        assert set(school) == {"tenant", "school", "score", "verdict", "final_verdict", "override", "items"}
        assert len(school["tenant"]) == 10 and school["tenant"].isdigit()
        assert 0 <= school["score"] <= 100
        assert school["verdict"] in {v.value for v in Verdict}
        assert [item["id"] for item in school["items"]] == [item.id for item in RULEBOOK.items]
        for item in school["items"]:
            assert item["state"] in {s.value for s in DeadlineState}
            assert item["onsite"] is None  # nobody has inspected the demo schools
            for finding in item["findings"]:
                assert set(finding) == {"rule", "severity", "message", "early"}
                assert isinstance(finding["early"], bool)
                assert finding["rule"] in RULEBOOK.rules or finding["rule"] == "completion_date"
                assert finding["severity"] in {s.value for s in Severity}
        assert school["final_verdict"] == school["verdict"]


def test_score_as_of_a_date_before_any_upload_shows_every_school_not_submitted(demo_db, capsys):
    schools = score_json(capsys, "--as-of", "2000-01-01")
    assert {s["verdict"] for s in schools} == {Verdict.NOT_SUBMITTED.value}


def test_score_for_one_tenant_and_in_csv_and_table(demo_db, capsys):
    code = score_json(capsys)[0]["tenant"]
    assert [s["tenant"] for s in score_json(capsys, "--tenant", code)] == [code]
    assert main(["score", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("学校标识码,学校,得分,系统结论,最终结论") and len(lines) == 7
    assert main(["score"]) == 0
    assert "结论" in capsys.readouterr().out


def test_score_for_an_unknown_tenant_fails_with_a_message(demo_db, capsys):
    assert main(["score", "--tenant", "0000000000"]) == 1
    assert "找不到学校 0000000000" in capsys.readouterr().err


def test_usage_errors_exit_2(demo_db):
    for argv in (["score", "--as-of", "2020-13-01"], ["score", "--format", "xml"], ["nonsense"], []):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2


def test_demo_twice_keeps_the_first_province(demo_db, capsys):
    before = score_json(capsys)
    assert main(["demo", "--schools", "6", "--seed", "3"]) == 0
    assert "演示数据已存在" in capsys.readouterr().out
    assert score_json(capsys) == before


def test_unreachable_database_is_one_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    assert main(["init"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("错误：无法连接数据库") and "\n" not in err and "Traceback" not in err


def test_template_writes_a_workbook(demo_db, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"PK\x03\x04"


def demo_workbook(tmp_path, index: int = -1, contact: str | None = None):
    """A workbook of one demo school; `contact` changes its content so it cannot match a stored upload.

    Without it the file holds exactly what `demo` stored, and may even be byte-identical when both
    were written within the same second (openpyxl stamps the save time at second resolution).
    """
    demo = build_demo(6, 3, today=date.today(), rulebook=RULEBOOK)
    upload = demo.submissions[index]
    report = upload.report
    if contact is not None:
        report = replace(report, school=replace(report.school, contact_name=contact))
    path = tmp_path / "填报.xlsx"
    path.write_bytes(fill_template(report, RULEBOOK, demo.campaign))
    return path, upload.tenant_code, demo


def test_load_accepts_a_school_workbook_and_the_board_uses_it(demo_db, tmp_path, capsys):
    path, code, _ = demo_workbook(tmp_path, contact="新联系人")
    assert main(["load", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已接收" in out and "完全相同" not in out
    assert main(["load", str(path)]) == 0  # byte-identical: recognised, nothing new
    assert "完全相同" in capsys.readouterr().out


def test_load_refuses_a_workbook_of_another_school(demo_db, tmp_path, capsys):
    path, code, demo = demo_workbook(tmp_path)
    other = next(s.code for s in demo.schools if s.code != code)
    before = score_json(capsys, "--tenant", other)
    assert main(["load", str(path), "--tenant", other]) == 1
    out = capsys.readouterr().out
    assert "已拒收" in out and f"与上传目标学校 {other} 不一致" in out and "学校信息!" in out
    assert score_json(capsys, "--tenant", other) == before


def test_load_dry_run_stores_nothing(demo_db, tmp_path, capsys):
    path, code, _ = demo_workbook(tmp_path, contact="试运行联系人")
    assert main(["load", str(path), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main(["load", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已接收" in out and "完全相同" not in out


def test_load_reports_every_problem_and_exits_1(demo_db, tmp_path, capsys):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    assert main(["load", str(bad)]) == 1
    assert "PDF" in capsys.readouterr().out


def test_load_of_a_missing_file_is_a_usage_error(demo_db, capsys):
    assert main(["load", "/nonexistent/填报.xlsx"]) == 2


def school_workbooks(folder, contact: str) -> list:
    """The latest demo workbook of every school but one, and a zip bomb in the middle, in `folder`."""
    demo = build_demo(6, 3, today=date.today(), rulebook=RULEBOOK)
    latest = {upload.tenant_code: upload.report for upload in demo.submissions}
    folder.mkdir()
    paths = []
    for n, report in enumerate(list(latest.values())[:5]):
        path = folder / f"{n}-填报.xlsx"
        report = replace(report, school=replace(report.school, contact_name=contact))
        path.write_bytes(fill_template(report, RULEBOOK, demo.campaign))
        paths.append(path)
    bomb = folder / "2b-炸弹.xlsx"
    bomb.write_bytes(zip_bomb())
    return [*paths[:3], bomb, *paths[3:]]


def test_load_with_parallel_readers_gives_what_one_by_one_gives_in_file_order(demo_db, tmp_path, capsys):
    one_by_one = school_workbooks(tmp_path / "a", contact="顺序联系人")
    parallel = school_workbooks(tmp_path / "b", contact="并行联系人")
    assert main(["load", *map(str, one_by_one), "--jobs", "1"]) == 1  # the bomb is refused
    sequential_out = capsys.readouterr().out.replace(str(tmp_path / "a"), "")
    board_after_sequential = score_json(capsys)
    assert main(["load", *map(str, parallel), "--jobs", "2"]) == 1
    parallel_out = capsys.readouterr().out.replace(str(tmp_path / "b"), "")
    assert parallel_out == sequential_out
    verdicts = [line[0] for line in parallel_out.splitlines() if line[0] in "✔✘"]
    assert verdicts == ["✔", "✔", "✔", "✘", "✔", "✔"]  # one line per file, in the order given
    assert "压缩炸弹" in parallel_out and parallel_out.count("已接收；") == 5
    assert score_json(capsys) == board_after_sequential  # the contact is all that differs


def test_load_jobs_must_be_a_positive_number(demo_db, tmp_path):
    path, _, _ = demo_workbook(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["load", str(path), "--jobs", "0"])
    assert exit_.value.code == 2


def test_the_command_line_starts_without_the_report_s_heavy_libraries() -> None:
    """`reformboard load` of a 100,000-row roster must not also carry the 通报's pandas, Altair, vl-convert and
    python-docx (120 MB): only `report` imports them, when it runs."""
    code = "import sys, reformboard.cli; print(sorted({'pandas', 'altair', 'vl_convert', 'docx'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"
