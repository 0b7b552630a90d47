"""`twin.report.from_results`: the kind of a results file, its topology, its page and summary.

Called as a library (no command line): the kind is read from the document's schema, the
summary's hash is the hash of the page written, and the topology checks refuse or warn.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from twin.analysis.contingency import contingency
from twin.analysis.demand_sets import select_demands
from twin.errors import InputError
from twin.loading import load_topology
from twin.report.from_results import plot_results, read_results, write_report
from twin.results.contingency import ContingencyResult
from twin.results.diff import DIFF_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = ROOT / "topologies" / "silk-road-2026.yaml"


@pytest.fixture(scope="module")
def contingency_doc() -> dict[str, object]:
    topology = load_topology(TOPOLOGY)
    result = contingency(topology, select_demands(topology))
    doc = result.to_dict()
    doc["topology_path"] = str(TOPOLOGY)
    return doc


def _write(path: Path, doc: dict[str, object]) -> Path:
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_a_contingency_document_gets_the_contingency_page(
    contingency_doc: dict[str, object], tmp_path: Path
) -> None:
    results = _write(tmp_path / "cont.json", contingency_doc)
    out = tmp_path / "c.html"
    written = write_report(results, out)
    page = out.read_text("utf-8")
    assert written.html == page
    assert written.summary["kind"] == "contingency"
    assert written.summary["output_sha256"] == hashlib.sha256(page.encode()).hexdigest()
    failures = written.summary["failures"]
    assert len(failures) == len(contingency_doc["failures"])  # type: ignore[arg-type]
    # Worst first, in the order of the result's own ranking (the rule `twin contingency` uses).
    result = ContingencyResult.from_dict(contingency_doc, "cont.json")
    assert [f["label"] for f in failures] == [i.label for i in result.worst(len(failures))]
    assert written.warnings == () and written.notes == ()


def test_a_recorded_hash_that_differs_is_a_warning_not_an_error(
    contingency_doc: dict[str, object], tmp_path: Path
) -> None:
    doc = dict(contingency_doc, topology_sha256="0" * 64)
    results = _write(tmp_path / "cont.json", doc)
    written = write_report(results, tmp_path / "c.html", topology=TOPOLOGY)
    assert len(written.warnings) == 1
    assert "differs from the topology file" in written.warnings[0]
    assert "000000000000" in written.warnings[0]  # the recorded hash, shortened


def test_a_topology_of_another_name_is_refused_before_writing(
    contingency_doc: dict[str, object], tmp_path: Path
) -> None:
    results = _write(tmp_path / "cont.json", contingency_doc)
    out = tmp_path / "c.html"
    with pytest.raises(InputError, match="is not the one"):
        write_report(results, out, topology=ROOT / "topologies" / "eurasia-routes.yaml")
    assert not out.exists()


def test_a_topology_nowhere_to_be_found_is_bad_input(
    contingency_doc: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = dict(contingency_doc, topology_path="gone.yaml", topology="nowhere")
    results = _write(tmp_path / "cont.json", doc)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"cannot find the topology .*\(gone\.yaml\)"):
        write_report(results, tmp_path / "c.html")


def test_a_diff_has_no_plot(tmp_path: Path) -> None:
    results = _write(tmp_path / "diff.json", {"schema": DIFF_SCHEMA})
    with pytest.raises(InputError, match="a topology diff has no map plot"):
        plot_results(results, "map", tmp_path / "d.svg")
    assert not (tmp_path / "d.svg").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{", "not valid JSON"), ("[]", "no 'schema' field"), ('{"a": 1}', "no 'schema' field")],
)
def test_read_results_names_what_is_wrong(text: str, problem: str, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=problem):
        read_results(path)


def test_a_plot_request_is_checked_before_the_results_are_read(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"  # reading it first would be "no such results file"
    with pytest.raises(InputError) as caught:
        plot_results(missing, "pie", tmp_path / "p.svg")
    assert str(caught.value).startswith("kind: unknown plot kind 'pie'")
    with pytest.raises(InputError) as caught:
        plot_results(missing, "map", tmp_path / "p.gif")
    assert str(caught.value).startswith(f"{tmp_path / 'p.gif'}: cannot write a .gif figure")
