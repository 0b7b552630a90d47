"""One ranking of failures: the HTML report, the `twin contingency` table and its --json name the
same worst failures in the same order for the same file.

The demands make the ranking rules matter: fra-ala has an RTT budget that several failures
breach without disconnecting anything, at the same utilisation as failures that breach
nothing. Ranking by (unrouted, disconnected, max utilisation) alone, as the HTML report once
did, orders those differently; the analysis also weighs RTT-budget breaches.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from twin.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
T2026 = ROOT / "topologies" / "silk-road-2026.yaml"

pytestmark = pytest.mark.skipif(not T2026.exists(), reason="shipped topology not present")


class _FirstCells(HTMLParser):
    """The first cell's text of every row of the table with id `table_id`."""

    def __init__(self, table_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.table_id, self.labels = table_id, []  # type: ignore[var-annotated]
        self._in_table = self._in_row = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._in_row, self._cells = True, 0
        elif self._in_row and tag == "td":
            self._cells += 1
            self._in_cell = self._cells == 1
            if self._in_cell:
                self.labels.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.labels[-1] += data


def _table_labels(html: str, table_id: str) -> list[str]:
    parser = _FirstCells(table_id)
    parser.feed(html)
    return [label.strip() for label in parser.labels]


def test_html_terminal_and_json_name_the_same_worst_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    monkeypatch.setenv("NO_COLOR", "1")
    demands = tmp_path / "demands.yaml"
    demands.write_text(
        "demands:\n"
        "  - {id: fra-ala, source: frankfurt, destination: almaty, gbps: 100,\n"
        "     sla: {max_rtt_ms: 78}}\n"
        "  - {id: fra-bei, source: frankfurt, destination: beijing, gbps: 900}\n"
    )
    results, page = tmp_path / "c.json", tmp_path / "c.html"
    args = ["contingency", str(T2026), "--demands", str(demands), "--top", "10"]
    assert main([*args, "--json", str(results)]) == 0
    terminal = capsys.readouterr().out
    assert main(["report", str(results), "-o", str(page), "--topology", str(T2026)]) == 0
    document = json.loads(results.read_text())
    html = page.read_text()

    # Rows of the rich table start with "│ label" (continuation lines have a blank first cell).
    rows = [m.group(1).strip() for m in re.finditer(r"^│ (\S[^│]*?)\s*│", terminal, re.M)]
    worst_html = _table_labels(html, "worst")
    assert document["worst"] == rows[:10] == worst_html[:10]
    assert len(document["worst"]) == 10

    # The rule itself: among equal unrouted traffic and disconnections, a failure pushing a demand
    # over its RTT budget ranks above one that does not, whatever the label.
    everything = _table_labels(html, "all-failures")
    by_label = {f["label"]: f for f in document["failures"]}
    assert sorted(everything) == sorted(by_label)
    position = {label: i for i, label in enumerate(everything)}
    tier = {label: (f["unrouted_gbps"], len(f["disconnected"])) for label, f in by_label.items()}
    breaching = [lb for lb, f in by_label.items() if f["over_rtt"]]
    clean = [lb for lb, f in by_label.items() if not f["over_rtt"]]
    pairs = [(b, c) for b in breaching for c in clean if tier[b] == tier[c]]
    assert pairs, "the demands must give breaching and clean failures in one tier"
    assert all(position[b] < position[c] for b, c in pairs)

    # Control: the old HTML key (unrouted, disconnected, max utilisation, then label) disagrees,
    # so this file tells the two rankings apart.
    old = sorted(
        by_label.values(),
        key=lambda f: (
            f["unrouted_gbps"],
            len(f["disconnected"]),
            f["max_utilisation"],
            f["label"],
        ),
        reverse=True,
    )
    assert [f["label"] for f in old[:10]] != document["worst"]
