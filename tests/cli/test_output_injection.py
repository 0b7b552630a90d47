"""User text cannot inject markup into any output: terminal, Markdown, JUnit, JSON.

Hostile names and paths go through the real commands; each output is then checked the way its
reader would read it: the terminal text holds the characters literally (and no hyperlink escape
when colour is forced), the Markdown is rendered by a CommonMark parser with HTML enabled and
must produce no HTML, link or comment and the right number of cells per table row, and the JUnit
file must parse.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from twin.cli.app import main
from twin.report.markdown_text import md_code, md_text
from twin.report.xml_text import xml_text

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "good"

RICH = "[bold red]RED[/bold red] [link=https://evil.example]click[/link]"
HOSTILE = (
    RICH,
    "[/]",
    ":x: and :warning:",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(2)>",
    "<!-- x",
    "[x](javascript:alert(3))",
    "a|b|c",
    "back`tick``s",
    "line\nbreak | cell",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _markdown_tokens(text: str) -> list[Token]:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    return parser.parse(text)


def _flat(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out.extend(_flat(token.children or []))
    return out


def _assert_inert_markdown(text: str) -> str:
    """No HTML, link, image or comment survives; every table row has the header's cell count.

    Returns the rendered plain text, so callers can check the hostile strings are shown.
    """
    tokens = _markdown_tokens(text)
    flat = _flat(tokens)
    kinds = {t.type for t in flat}
    assert not kinds & {"html_inline", "html_block", "link_open", "image"}, kinds
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for raw in ("<img", "<svg", "<!--", 'href="javascript'):
        assert raw not in html, html
    # markdown-it pads or trims rows to the header's width, so count the raw cells instead:
    # an unescaped | in user text would add one.
    tables: list[list[int]] = []
    in_table = False
    for width, line in zip(_raw_row_widths(text, all_lines=True), text.splitlines(), strict=True):
        if line.startswith("|"):
            if not in_table:
                tables.append([])
            tables[-1].append(width)
        in_table = line.startswith("|")
    for rows in tables:
        assert len(set(rows)) == 1, (rows, text)
    return "".join(t.content for t in flat if t.type in ("text", "code_inline"))


def _raw_row_widths(text: str, all_lines: bool = False) -> list[int]:
    """Unescaped `|` per table line (per line of the text with `all_lines`)."""
    return [
        len(re.findall(r"(?<!\\)\|", line))
        for line in text.splitlines()
        if all_lines or line.startswith("|")
    ]


def test_md_text_and_md_code_render_every_hostile_string_literally() -> None:
    for value in HOSTILE:
        shown = value.replace("\n", " ")
        row = f"| a | {md_text(value)} | {md_code(value)} |"
        doc = f"| x | y | z |\n|---|---|---|\n{row}\n"
        text = _assert_inert_markdown(doc)
        assert text.count(shown) == 2, (value, doc, text)
        assert _raw_row_widths(doc) == [4, 4, 4]


def test_xml_text_keeps_only_what_xml_can_hold() -> None:
    hostile = "a\x00b\x1b[31mc\x07\ud800\ufffe <&>"
    element = ET.Element("t", {"v": xml_text(hostile)})
    element.text = xml_text(hostile)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.text == parsed.get("v") == "a\\x00b\\x1b[31mc\\x07\\ud800\\ufffe <&>"


@pytest.fixture
def hostile_diff(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "pyproject.toml").write_text("")
    base = tmp_path / "base.yaml"
    base.write_text((GOOD / "base.yaml").read_text())
    data = yaml.safe_load(base.read_text())
    for node, name in zip(data["nodes"], HOSTILE, strict=False):
        node["name"] = name
    data["srlgs"][0]["description"] = " ".join(HOSTILE[4:])
    head = tmp_path / "[" / "]head.yaml"  # the path `[/]head.yaml`
    head.parent.mkdir()
    head.write_text(yaml.safe_dump(data, sort_keys=False))
    return base, head


def _rich_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal: any markup read would emit escapes
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "400")


def test_diff_prints_hostile_names_as_text_and_writes_inert_markdown(
    hostile_diff: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, head = hostile_diff
    _rich_forced(monkeypatch)
    md, doc = tmp_path / "d.md", tmp_path / "d.json"
    status = main(["diff", str(base), str(head), "--markdown", str(md), "--json", str(doc)])
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "\x1b]8;" not in out.out  # no terminal hyperlink
    text = ANSI.sub("", out.out)
    for value in (RICH, "[/]", ":x: and :warning:", "<img src=x onerror=alert(1)>"):
        assert repr(value) in text, value  # node names, shown as the field's old → new value
    assert "[x](javascript:alert(3))" in text  # in the SRLG's description
    assert "❌" not in text and "⚠" not in text
    assert f"{base} → {head}" in text
    rendered = _assert_inert_markdown(md.read_text())
    assert str(head) in rendered
    assert "<img src=x onerror=alert(1)>" in rendered  # shown, as text
    fields = json.loads(doc.read_text())["elements"]
    assert any(RICH in json.dumps(e) for e in fields)


def _hostile_check_scenario(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    topologies = tmp_path / "topologies"
    topologies.mkdir()
    for name in ("silk-road-2021.yaml", "silk-road-2026.yaml"):
        (topologies / name).write_text((ROOT / "topologies" / name).read_text())
    # `[/]s.yaml` is a directory `[` holding `]s.yaml`; the others add tags, pipes, escapes.
    folder = tmp_path / "[" / "<img src=x onerror=alert(1)> | `x` :x: <!-- \x1b[31m\x01"
    folder.mkdir(parents=True)
    scenario = folder / "]s.yaml"
    text = (ROOT / "tests" / "data" / "check" / "broken-sla.yaml").read_text()
    scenario.write_text(
        text.replace("../../../topologies/", "../../topologies/").replace(
            "topology:", "description: '[/] <svg onload=alert(2)> | :x:'\ntopology:"
        )
    )
    return scenario


def test_check_with_a_hostile_scenario_path_still_writes_junit_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _hostile_check_scenario(tmp_path)
    _rich_forced(monkeypatch)
    junit, md = tmp_path / "c.xml", tmp_path / "c.md"
    status = main(["check", str(scenario), "--junit", str(junit), "--markdown", str(md)])
    out = capsys.readouterr()
    assert status == 1, out.err  # the scenario's promises fail; nothing crashed (3)
    root = ET.parse(junit).getroot()
    assert root.get("failures") == "2"
    names = [case.get("name", "") for case in root.iter("testcase")]
    assert all("]s.yaml" in n and "\\x1b[31m\\x01" in n for n in names), names
    _assert_inert_markdown(md.read_text())
    rows = _raw_row_widths(md.read_text())
    assert rows and set(rows) == {8}, md.read_text()
    text = ANSI.sub("", out.out)
    assert "\x1b[31m\x01" not in out.out and "\\x1b[31m\\x01" in text
    assert "]s.yaml" in text and "❌" not in text


@pytest.mark.parametrize(
    ("value", "code"),
    [('"A\\e]0;title\\a"', "U+001B"), ('"B\\0"', "U+0000"), ('"C\\u202Eevil"', "U+202E")],
)
def test_control_characters_written_as_escapes_are_refused_with_their_line(
    tmp_path: Path, value: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    body = (GOOD / "base.yaml").read_text().replace("name: Aktau", f"name: {value}")
    path.write_text(body.replace("description: shared landing", f"description: {value}"))
    doc = tmp_path / "v.json"
    assert main(["validate", str(path), "--json", str(doc)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7:" in err and code in err  # the srlg description, first in the file
    problems = json.loads(doc.read_text())["files"][0]["problems"]
    assert [p["line"] for p in problems] == [7]
    assert not re.search("[\x00-\x08\x1b\u202e]", err + doc.read_text())


def test_import_refuses_a_control_character_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes = [
        {"id": 1, "name": "A\x1b]0;pwned\x07", "pos": [49.0, 40.0]},  # a GraphML label, say
        {"id": 2, "name": "B", "pos": [51.0, 43.0]},
    ]
    source = tmp_path / "g.json"
    source.write_text(json.dumps({"nodes": nodes, "edges": [{"source": 1, "target": 2}]}))
    out = tmp_path / "t.yaml"
    assert main(["import", str(source), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "U+001B" in err and "\x1b" not in err
    assert not out.exists()
