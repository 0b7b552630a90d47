"""`extends:` and `topology:` cannot read files outside the project, nor leak what they read.

Each foreign file holds a marker string found nowhere else; whatever the command prints (stdout,
stderr, the `--json` document) must not contain it, and the command exits 2 naming the file and
line that made the reference.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from twin.cli.app import main
from twin.loading.paths import project_root

ROOT = Path(__file__).resolve().parents[2]
MARKER = "ZZ-FOREIGN-MARKER-5e1f0c"
SECRET = "ZZ-SECRET-MARKER-91ab7d"
BASE_TOPOLOGY = (ROOT / "topologies" / "silk-road-2021.yaml").read_text()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp/proj (a Python project) beside tmp/foreign, which holds files with the marker."""
    proj = tmp_path / "a" / "b" / "proj"
    (proj / "topologies").mkdir(parents=True)
    (proj / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (proj / "secret.env").write_text(f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "outside.yaml").write_text(f"root:x:0:0:{MARKER}:/root:/bin/sh\n")
    (foreign / "keys.yaml").write_text(f"{MARKER}: {MARKER}\nnodes: [{MARKER}\n")
    (foreign / "base.yaml").write_text(BASE_TOPOLOGY)
    return proj


def _run(args: list[str], capsys: pytest.CaptureFixture[str], tmp: Path) -> tuple[int, str]:
    """Exit status and everything the command wrote: stdout, stderr and its --json document."""
    doc = tmp / "out.json"
    status = main([*args, "--json", str(doc)])
    captured = capsys.readouterr()
    text = captured.out + captured.err + (doc.read_text() if doc.exists() else "")
    return status, text


def _variant(project: Path, extends: str) -> Path:
    child = project / "topologies" / "child.yaml"
    child.write_text(f"name: child\nextends: {extends}\n")
    return child


@pytest.mark.parametrize(
    "extends",
    [
        "{foreign}/outside.yaml",  # absolute
        "../../../foreign/outside.yaml",  # climbs out of the project
        "../../../foreign/keys.yaml",
        "../../../../../../../../../../../../{foreign}/outside.yaml",
    ],
)
def test_extends_outside_the_project_is_refused_unread(
    project: Path, extends: str, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = project.parents[2] / "foreign"
    child = _variant(project, extends.format(foreign=str(foreign).lstrip("/")))
    if extends.startswith("{foreign}"):
        child = _variant(project, f"{foreign}/outside.yaml")
    status, text = _run(["validate", str(child)], capsys, project)
    assert status == 2
    assert MARKER not in text
    assert f"{child}:2:10: extends:" in text and "outside the project" in text


def test_extends_etc_passwd_quotes_none_of_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [x for x in Path("/etc/passwd").read_text().splitlines() if len(x) > 8]
    for ref in ("/etc/passwd", "../../../../../../../../../../../etc/passwd"):
        status, text = _run(["validate", str(_variant(project, ref))], capsys, project)
        assert status == 2 and "outside the project" in text
        assert not [line for line in lines if line in text]


def test_a_non_yaml_file_inside_the_project_is_named_not_quoted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = _variant(project, "../secret.env")
    status, text = _run(["validate", str(child)], capsys, project)
    assert status == 2
    assert SECRET not in text and "AWS_SECRET_ACCESS_KEY" not in text
    assert "secret.env:1:1: not a topology, scenario or demands file" in text


def test_a_foreign_mapping_is_refused_without_its_keys(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "other.yaml").write_text(f"api_key: {SECRET}\n{SECRET}: 1\nname: x\n")
    status, text = _run(["validate", str(project / "other.yaml")], capsys, project)
    assert status == 2 and SECRET not in text and "api_key" not in text
    assert "other.yaml:1:1: not a topology" in text


def test_yaml_syntax_errors_quote_no_text(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # PyYAML's own messages quote what they stumbled on: an alias name, an escape, a tag handle.
    for body in (f"nodes: *{SECRET}\n", f'nodes: "\\{SECRET[0]}x"\n', f"nodes: !{SECRET}! x\n"):
        (project / "bad.yaml").write_text(body)
        status, text = _run(["validate", str(project / "bad.yaml")], capsys, project)
        assert status == 2 and "YAML syntax error" in text, text
        assert SECRET not in text and SECRET[3:12] not in text


def test_scenario_topology_outside_the_project_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = project.parents[2] / "foreign"
    for ref in (f"{foreign}/outside.yaml", "/etc/shadow"):
        scenario = project / "s.yaml"
        scenario.write_text(
            f"name: s\ntopology: {ref}\nhorizon: 1d\ndemands:\n  - {{source: a, destination: b}}\n"
        )
        for command in (["validate", str(scenario)], ["run", str(scenario)]):
            status, text = _run(command, capsys, project)
            assert status == 2
            assert f"{scenario}:2:11: topology: '{ref}' is outside the project" in text
            assert MARKER not in text and "root:" not in text


def test_a_symlink_out_of_the_project_is_followed_to_where_it_lands(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "topologies" / "link.yaml").symlink_to(project.parents[2] / "foreign" / "base.yaml")
    status, text = _run(["validate", str(_variant(project, "link.yaml"))], capsys, project)
    assert status == 2 and "outside the project" in text


def test_allow_path_on_the_command_line_widens_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = project.parents[2] / "foreign"
    child = _variant(project, f"{foreign}/base.yaml")
    assert _run(["validate", str(child)], capsys, project)[0] == 2
    status, text = _run(["--allow-path", str(foreign), "validate", str(child)], capsys, project)
    assert status == 0, text
    # The allowance ends with the command: the next one is confined again.
    assert _run(["validate", str(child)], capsys, project)[0] == 2
    # Allowed or not, a foreign file is still never quoted.
    child = _variant(project, f"{foreign}/keys.yaml")
    status, text = _run(["--allow-path", str(foreign), "validate", str(child)], capsys, project)
    assert status == 2 and MARKER not in text


def test_inside_the_project_a_variant_may_climb_to_a_sibling_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "shared").mkdir()
    (project / "shared" / "base.yaml").write_text(BASE_TOPOLOGY)
    status, text = _run(
        ["validate", str(_variant(project, "../shared/base.yaml"))], capsys, project
    )
    assert status == 0, text


def test_project_root_is_the_nearest_marked_ancestor(tmp_path: Path) -> None:
    (tmp_path / "repo" / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "repo" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git file
    file = tmp_path / "repo" / "sub" / "deep" / "t.yaml"
    assert project_root(file) == (tmp_path / "repo").resolve()
    (tmp_path / "repo" / "sub" / "pyproject.toml").write_text("")
    assert project_root(file) == (tmp_path / "repo" / "sub").resolve()
    lone = tmp_path / "lone" / "t.yaml"
    lone.parent.mkdir()
    if not any((d / m).exists() for d in lone.parents for m in (".git", "pyproject.toml")):
        assert project_root(lone) == lone.parent.resolve()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_diff_of_a_git_revision_is_confined_to_the_repository(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "shared").mkdir()
    (project / "shared" / "base.yaml").write_text(BASE_TOPOLOGY)
    good = _variant(project, "../shared/base.yaml")
    evil = project / "topologies" / "evil.yaml"
    evil.write_text("name: evil\nextends: ../../../foreign/outside.yaml\n")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-qm", "base")
    monkeypatch.chdir(project)
    # A chain inside the repository still works through the revision's temporary copy.
    status, text = _run(["diff", "HEAD:topologies/child.yaml", str(good)], capsys, project)
    assert status == 0, text
    status, text = _run(["diff", "HEAD:topologies/evil.yaml", str(good)], capsys, project)
    assert status == 2 and MARKER not in text
    assert "HEAD:topologies/evil.yaml:2:10: extends:" in text and "outside the project" in text
    assert os.getcwd() == str(project)


def test_a_symlink_loop_is_refused_at_the_reference(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "loop-a.yaml").symlink_to(project / "loop-b.yaml")
    (project / "loop-b.yaml").symlink_to(project / "loop-a.yaml")
    child = _variant(project, "../loop-a.yaml")
    status, text = _run(["validate", str(child)], capsys, project)
    assert status == 2
    assert f"{child}:2:10: extends: '../loop-a.yaml'" in text and "Traceback" not in text
