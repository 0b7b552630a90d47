"""Library messages never spell a command-line flag (issue 14: clean layers).

A library error names the *parameter* (`time_budget_s`), marked with `twin.errors.option`
where a sentence mentions one; the CLI shows it as the option the user typed
(`--time-budget`, `twin.cli.app.flag_of`), a notebook as the parameter. Every string literal
of the library layers (all but `cli/` and the renderers in `report/`; docstrings aside) is
read here, so a flag written into a message fails this test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from twin.cli.app import flag_of
from twin.errors import InputError, Problem, TwinError, option, render_options

TWIN = Path(__file__).resolve().parents[2] / "twin"
FLAG = re.compile(r"(?<![\w-])--[a-z]")
# Strings that are not messages: git's own argument, and a comment written into an overlay
# file that tells its reader which command wrote the residuals.
NOT_MESSAGES = {("revisions.py", "--show-toplevel"), ("calibrate/overlay.py", "--json FILE")}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _flag_strings(path: Path, root: Path = TWIN) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    where = path.relative_to(root).as_posix()
    return [
        f"{where}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and FLAG.search(node.value)
        and not any(where == f and s in node.value for f, s in NOT_MESSAGES)
    ]


def test_no_library_string_spells_a_flag() -> None:
    renderers = {"cli", "report"}
    modules = sorted(TWIN.rglob("*.py"))
    library = [p for p in modules if p.relative_to(TWIN).parts[0] not in renderers]
    assert len(library) > 40  # the walk sees the package
    offenders = [line for path in library for line in _flag_strings(path)]
    assert offenders == [], "say the parameter, marked with twin.errors.option:\n" + "\n".join(
        offenders
    )


def test_the_scan_sees_a_flag_in_a_message_but_not_in_a_docstring(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc of `--ok`."""\nHINT = "or raise " "--time-budget"\n'
        'def f():\n    """`--fine` here."""\n    raise ValueError(f"x {1} --demand A:B")\n'
    )
    found = _flag_strings(module, tmp_path)
    assert [line.split(":")[1] for line in found] == ["2", "5"], found


def test_a_message_names_the_parameter_in_python_and_the_option_on_the_command_line() -> None:
    error = InputError(
        Problem.for_parameter(
            "time_budget_s", f"raise {option('time_budget_s')}", f"or set {option('specs')}"
        )
    )
    assert str(error) == "time_budget_s: raise time_budget_s\n    hint: or set specs"
    assert error.problems[0].format(flag_of) == (
        "--time-budget: raise --time-budget\n    hint: or set --demand"
    )
    assert TwinError(f"use {option('method')}").message(flag_of) == "use --availability-method"
    assert str(TwinError(f"use {option('method')}")) == "use method"
    assert render_options("no marks {here}") == "no marks {here}"


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--demand", "frankfurt", "--demand", "baku:baku"], "--demand: "),
        (["--demand", "a:b", "--gravity", "10"], "--gravity: --demand, --gravity: give only one"),
    ],
)
def test_the_cli_shows_library_parameters_as_its_options(
    args: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from twin.cli.app import main

    topology = str(TWIN.parent / "topologies" / "silk-road-2026.yaml")
    assert main(["analyze", topology, *args]) == 2
    err = capsys.readouterr().err
    assert shown in err and "specs" not in err and "gravity_gbps" not in err


def test_a_run_plan_refusal_names_parameters_not_a_command_line(tmp_path: Path) -> None:
    from twin.cli.app import main
    from twin.loading import load_scenario
    from twin.run_plan import RunRequest, plan_run

    scenario_path = TWIN.parent / "scenarios" / "annual-reliability.yaml"
    timeline = tmp_path / "t.csv"
    with pytest.raises(InputError) as caught:
        plan_run(load_scenario(scenario_path), RunRequest(replications=3, timeline=timeline))
    text = str(caught.value)
    assert text.startswith("timeline: a timeline is the event log of one replication")
    assert f"timeline {timeline} without replications" in text
    assert "twin run" not in text and "--" not in text
    shown = caught.value.problems[0].format(flag_of)
    assert f"--timeline {timeline} without --replications (add --seed S" in shown
    assert (
        main(["run", str(scenario_path), "--replications", "3", "--timeline", str(timeline)]) == 2
    )
    assert not timeline.exists()
