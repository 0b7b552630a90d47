"""The CI gate's renderers: JUnit that CI systems accept, Markdown that reviewers can read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema

from twin.report.junit import render_junit
from twin.report.markdown_check import render_check_markdown
from twin.results.check import CheckOutcome, CheckReport

XSD = Path(__file__).parents[1] / "data" / "junit" / "junit-jenkins.xsd"


def _report() -> CheckReport:
    return CheckReport(
        (
            CheckOutcome(
                "corridor",
                "scenarios/a.yaml",
                12,
                5,
                "max_rtt",
                "fra-ala",
                True,
                "RTT 71.2 ms within 90 ms",
                71.2,
                90.0,
            ),
            CheckOutcome(
                "corridor",
                "scenarios/a.yaml",
                14,
                5,
                "survives",
                "fra-ala",
                False,
                'link tcfo disconnects fra-ala <&> "quoted"',
                None,
                None,
                detail="failed elements: tcfo",
            ),
            CheckOutcome(
                "red-sea",
                "scenarios/b.yaml",
                3,
                5,
                "n1_max_utilisation",
                None,
                True,
                "worst 0.62 <= 0.8",
                0.62,
                0.8,
            ),
        )
    )


def test_junit_validates_against_the_jenkins_schema() -> None:
    text = render_junit(_report())
    xmlschema.XMLSchema(str(XSD)).validate(text)


def test_junit_counts_and_failure_text_match_the_outcomes() -> None:
    root = ET.fromstring(render_junit(_report()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"corridor", "red-sea"}
    assert suites["corridor"].get("failures") == "1"
    failures = root.findall(".//failure")
    assert len(failures) == 1
    # Special characters survive escaping; the location is the declaring line.
    assert failures[0].get("message") == 'link tcfo disconnects fra-ala <&> "quoted"'
    assert failures[0].text is not None
    assert failures[0].text.startswith("scenarios/a.yaml:14:5:")


def test_junit_is_reproducible() -> None:
    assert render_junit(_report()) == render_junit(_report())


def test_markdown_lists_failures_before_what_held() -> None:
    text = render_check_markdown(_report())
    assert "1 of 3 assertions FAILED" in text
    assert text.index("### Failed") < text.index("### Held")
    failed_section = text[text.index("### Failed") : text.index("### Held")]
    assert "survives fra-ala" in failed_section and "`scenarios/a.yaml:14`" in failed_section
    assert "max_rtt fra-ala" not in failed_section


def test_markdown_all_pass_headline() -> None:
    report = CheckReport(tuple(o for o in _report().outcomes if o.passed))
    assert "all assertions hold" in render_check_markdown(report)


def test_an_interrupted_gate_fails_in_every_output_and_says_how_far_it_got() -> None:
    held = tuple(o for o in _report().outcomes if o.passed)
    report = CheckReport(held, partial=True, assertions_total=5)
    assert not report.passed  # nothing failed, but the gate did not finish
    assert report.to_dict()["passed"] is False
    assert CheckReport.from_dict(report.to_dict()) == report
    xml = render_junit(report)
    root = ET.fromstring(xml.split("\n", 1)[1])
    assert (root.get("tests"), root.get("errors")) == (str(len(held) + 1), "1")
    (error,) = root.findall(".//testcase[@name='interrupted']/error")
    assert error.get("message", "").startswith(f"interrupted after {len(held)} of 5 assertions")
    markdown = render_check_markdown(report)
    assert markdown.startswith("## twin check: INTERRUPTED\n")
    assert "all assertions hold" not in markdown


def test_a_complete_report_read_from_an_older_file_counts_its_outcomes() -> None:
    document = _report().to_dict()
    del document["partial"], document["assertions_total"]
    report = CheckReport.from_dict(document)
    assert not report.partial and report.declared == len(report.outcomes) == 3
