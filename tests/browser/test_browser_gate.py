"""The browser tests run in CI or fail there: a missing Chromium is a skip only outside CI.

Each case runs the real browser module in a child pytest with CHROMIUM pointing at nothing, so
what is checked is what CI would see: the exit status and the reason printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = ROOT / "tests" / "browser" / "test_report_chromium.py"


def _run_browser_tests(ci: str | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM"] = str(tmp_path / "no-such-chromium")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(BROWSER_TESTS), "-rsE", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_missing_chromium_fails_in_ci(tmp_path: Path) -> None:
    done = _run_browser_tests("true", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CI is set but CHROMIUM=" in done.stdout
    assert "the browser tests must run in CI" in done.stdout
    assert " passed" not in done.stdout


def test_missing_chromium_skips_with_the_reason_elsewhere(tmp_path: Path) -> None:
    done = _run_browser_tests(None, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIPPED" in done.stdout
    assert "is not an executable" in done.stdout
    assert " error" not in done.stdout
