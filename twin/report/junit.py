"""JUnit XML for the CI gate: one test case per assertion, one suite per scenario.

CI systems (GitHub Actions test reporters, GitLab, Jenkins, Azure DevOps) all read the Jenkins
flavour of JUnit XML (`testsuites/testsuite/testcase/failure`); we emit that subset only, with
no timestamps, so the file is reproducible and validates against the common `junit-10.xsd`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from twin.report.xml_text import xml_text
from twin.results.check import CheckOutcome, CheckReport


def _suite(name: str, outcomes: list[CheckOutcome]) -> ET.Element:
    failures = sum(1 for o in outcomes if not o.passed)
    suite = ET.Element(
        "testsuite",
        {
            "name": xml_text(name),
            "tests": str(len(outcomes)),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
            "time": "0",
        },
    )
    for outcome in outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "name": xml_text(f"{outcome.name} ({outcome.source_path}:{outcome.line})"),
                "classname": xml_text(f"twin.check.{name}"),
                "time": "0",
            },
        )
        if not outcome.passed:
            failure = ET.SubElement(
                case,
                "failure",
                {"message": xml_text(outcome.message), "type": xml_text(outcome.kind)},
            )
            failure.text = xml_text(
                "\n".join(
                    part
                    for part in (
                        f"{outcome.source_path}:{outcome.line}:{outcome.col}: {outcome.message}",
                        outcome.detail,
                    )
                    if part
                )
            )
        elif outcome.detail:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text(outcome.detail)
    return suite


def _grouped(outcomes: Iterable[CheckOutcome]) -> dict[str, list[CheckOutcome]]:
    groups: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.scenario, []).append(outcome)
    return groups


def _interrupted_suite(report: CheckReport) -> ET.Element:
    """A suite with one errored test case: CI shows an unfinished gate as an error."""
    attributes = {"tests": "1", "failures": "0", "errors": "1", "skipped": "0", "time": "0"}
    suite = ET.Element("testsuite", {"name": "twin check", **attributes})
    case = ET.SubElement(
        suite, "testcase", {"name": "interrupted", "classname": "twin.check", "time": "0"}
    )
    error = ET.SubElement(
        case, "error", {"message": report.interrupted_note, "type": "interrupted"}
    )
    error.text = f"{report.declared - len(report.outcomes)} assertion(s) not evaluated"
    return suite


def render_junit(report: CheckReport) -> str:
    """The whole document as text (UTF-8 XML declaration included)."""
    root = ET.Element(
        "testsuites",
        {
            "name": "twin check",
            "tests": str(len(report.outcomes) + report.partial),
            "failures": str(len(report.failed)),
            "errors": str(int(report.partial)),
            "time": "0",
        },
    )
    for name, outcomes in _grouped(report.outcomes).items():
        root.append(_suite(name, outcomes))
    if report.partial:
        root.append(_interrupted_suite(report))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
