"""The HTML report in a real browser: headless Chromium loads it offline, runs its script without
any console message, and paints a map and charts (checked in the DOM and in the screenshot's
pixels). Run, Monte Carlo, contingency and diff reports are all loaded.

The report's script logs nothing, so any console line from the page is a failure: Chromium
writes console.error("boom") as `INFO:CONSOLE:1] "boom", source: ...`, with neither "Error" nor
"Uncaught" in it, which a filter on those words missed. Two controls (a script error and a
console.error) prove the check sees both.

These tests must run in CI: with CI set (true/1/yes, as CI providers and .ci/run set it) a
missing Chromium is a failure, not a skip. Elsewhere a missing Chromium skips them with the
reason (apt-get install chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from twin.loading import load_scenario
from twin.report.html import render_report
from twin.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "trans-caspian-cut.yaml"


def _find_chromium() -> str | None:
    """$CHROMIUM (a command or a path, as `make images` takes it), else Debian's chromium."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


CHROMIUM = _find_chromium()
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _in_ci() -> bool:
    """CI providers set CI=true (some CI=1); .ci/run sets it when it is unset."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _missing() -> str | None:
    """Why these tests cannot run here, or None when they can."""
    if CHROMIUM is None and os.environ.get("CHROMIUM"):
        return f"CHROMIUM={os.environ['CHROMIUM']} is not an executable"
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium)"
    if not SCENARIO.exists():
        return f"the shipped scenario {SCENARIO.relative_to(ROOT)} is not present"
    return None


@pytest.fixture(scope="module", autouse=True)
def _browser_available() -> None:
    """Skip locally with the reason; fail in CI, where the browser tests must run.

    Module-scoped and autouse, so it decides before any report is rendered.
    """
    reason = _missing()
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"CI is set but {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


def _chromium(args: list[str]) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


_CONSOLE = re.compile(r"CONSOLE[:(]")


def _console_errors(stderr: str) -> list[str]:
    """Every console message the page produced (any level), and any uncaught exception."""
    return [line for line in stderr.splitlines() if _CONSOLE.search(line) or "Uncaught" in line]


def _path_points(d: str) -> int:
    """How many points an SVG path's d attribute visits (its M and L commands)."""
    return len(re.findall(r"[ML]\s*-?[0-9.]+[ ,]-?[0-9.]+", d))


def _element(dom: str, tag: str, element_id: str) -> str:
    """The outer text of the element with that id in the dumped DOM (up to its closing tag)."""
    start = dom.index(f'id="{element_id}"')
    start = dom.rindex(f"<{tag}", 0, start)
    return dom[start : dom.index(f"</{tag}>", start)]


def _assert_map_drawn(dom: str, min_links: int) -> None:
    """Countries and links with real geometry, and node labels: not just the map's ids."""
    mapsvg = _element(dom, "svg", "map")
    assert mapsvg.count('class="country"') > 20
    links = re.findall(r'<path class="link [^"]*"[^>]* d="([^"]+)"', mapsvg)
    assert len(links) >= min_links, len(links)
    assert all(_path_points(d) >= 2 for d in links)
    labels = re.findall(r'<text class="label"[^>]*>([^<]+)</text>', mapsvg)
    assert len(labels) >= 5 and len(labels) == len(set(labels)), labels


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, RGB rows) of an 8-bit non-interlaced PNG: enough to look at pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            upleft = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + left) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + up) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif ftype == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(b for j, b in enumerate(line) if j % 4 != 3))
        prev = line
    return width, height, rows


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        scenario = load_scenario(Path("scenarios/trans-caspian-cut.yaml"))
        out = tmp_path_factory.mktemp("browser") / "report.html"
        render_report(simulate(scenario), scenario.topology, out)
    finally:
        os.chdir(here)
    yield out


def test_report_loads_runs_its_script_and_has_map_and_charts(report: Path) -> None:
    done = _chromium(["--dump-dom", report.as_uri()])
    dom = done.stdout
    assert _console_errors(done.stderr) == []
    assert 'id="report-scripted"' in dom, "the report's script did not run to the end"
    for element_id in (
        "summary",
        "map",
        "map-countries",
        "map-links",
        "element-timeline",
        "avail-fra-ala",
        "outages-fra-ala",
        "rtt-fra-ala",
        "provenance",
    ):
        assert f'id="{element_id}"' in dom, element_id
    _assert_map_drawn(dom, 20)
    assert 'aria-pressed="true"' in dom  # the toggle was initialised by the script
    # fra-ala moves to the detour while TCFO is cut and back after: a line of several steps.
    rtt = _element(dom, "svg", "rtt-fra-ala")
    (line,) = re.findall(r'<path class="rtt-line" d="([^"]+)"', rtt)
    assert _path_points(line) >= 4, line
    assert 'class="rtt-budget"' in rtt
    dist = _element(dom, "svg", "rttdist-fra-ala")
    assert len(re.findall(r'class="level"', dist)) >= 2  # the base path and the detour
    assert re.search(r">\d+\.\d ms<", dist)


def test_screenshot_shows_a_painted_page(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _chromium([f"--screenshot={shot}", "--window-size=1400,2400", report.as_uri()])
    assert shot.exists(), done.stderr[-2000:]
    width, height, rows = read_png(shot.read_bytes())
    assert (width, height) == (1400, 2400)
    colours: set[bytes] = set()
    for row in rows[::8]:
        for x in range(0, width * 3, 3 * 8):
            colours.add(row[x : x + 3])
    assert len(colours) > 50, "the page looks blank"
    sea = bytes.fromhex("dcebf5")
    assert sea in colours, "the map's sea is not painted"
    reds = [c for c in colours if c[0] > 150 and c[1] < 80 and c[2] < 80]
    assert reds, "no red verdict or outage is visible"


@pytest.fixture(scope="module")
def diff_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from twin.analysis.demand_sets import default_demands
    from twin.analysis.topology_diff import diff_topologies, measure_demand
    from twin.loading import load_topology
    from twin.report.html_diff import load_side, render_diff_html

    labels = ("topologies/silk-road-2021.yaml", "topologies/silk-road-2026.yaml")
    base, head = (load_topology(ROOT / label) for label in labels)
    data = diff_topologies(
        base,
        head,
        default_demands(base, head),
        measure_demand,
        base_label=labels[0],
        head_label=labels[1],
    )
    out = tmp_path_factory.mktemp("browser-diff") / "diff.html"
    sides = [load_side(label, [ROOT]) for label in labels]
    out.write_text(render_diff_html(data, sides[1], sides[0]), "utf-8")
    return out


def test_diff_report_loads_without_console_errors(diff_report: Path, tmp_path: Path) -> None:
    done = _chromium(["--dump-dom", diff_report.as_uri()])
    assert _console_errors(done.stderr) == []
    dom = done.stdout
    for element_id in ("headline", "verdict", "map", "map-legend", "elements", "demands"):
        assert f'id="{element_id}"' in dom, element_id
    assert dom.count('class="country"') > 20 and 'data-link="tcfo"' in dom
    shot = tmp_path / "diff.png"
    _chromium([f"--screenshot={shot}", "--window-size=1400,1400", diff_report.as_uri()])
    assert shot.exists()
    width, _, rows = read_png(shot.read_bytes())
    colours = {row[x : x + 3] for row in rows[::4] for x in range(0, width * 3, 3 * 4)}
    assert bytes.fromhex("dcebf5") in colours, "the map's sea is not painted"


@pytest.mark.parametrize(
    ("script", "seen"),
    [("undefinedFn();", "undefinedFn"), ('console.error("boom happened");', "boom happened")],
    ids=["script-error", "console-error"],
)
def test_console_error_detection_catches_a_broken_script(
    tmp_path: Path, script: str, seen: str
) -> None:
    # The checks above are only worth something if a script error or a logged one is seen.
    page = tmp_path / "broken.html"
    page.write_text(f"<!DOCTYPE html><html><body><script>{script}</script></body></html>")
    done = _chromium(["--dump-dom", page.as_uri()])
    assert any(seen in line for line in _console_errors(done.stderr)), done.stderr[-2000:]


@pytest.fixture(scope="module")
def montecarlo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from twin.montecarlo import run_replications
    from twin.report.html_montecarlo import write_montecarlo_report

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        scenario = load_scenario(Path("scenarios/annual-reliability.yaml"))
        result = run_replications(scenario, replications=4)
        out = tmp_path_factory.mktemp("browser-mc") / "mc.html"
        write_montecarlo_report(result, scenario.topology, out)
    finally:
        os.chdir(here)
    return out


def test_montecarlo_report_loads_with_map_and_interval_bars(montecarlo_report: Path) -> None:
    done = _chromium(["--dump-dom", montecarlo_report.as_uri()])
    assert _console_errors(done.stderr) == []
    dom = done.stdout
    demands = [d.id for d in load_scenario(ROOT / "scenarios" / "annual-reliability.yaml").demands]
    rows = re.findall(r'<tr class="status-[a-z-]+" data-demand="([^"]+)"', dom)
    assert rows == demands
    for demand in demands:
        bar = _element(dom, "svg", f"avail-{demand}")
        assert "<rect" in bar and "<line" in bar  # the bar and its interval / target marks
    _assert_map_drawn(dom, 20)
    assert 'id="provenance"' in dom and "fixed 4 replications" in dom


@pytest.fixture(scope="module")
def contingency_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from twin.analysis.contingency import contingency
    from twin.analysis.demand_sets import default_demands
    from twin.loading import load_topology
    from twin.report.html_contingency import render_contingency_html

    topology = load_topology(ROOT / "topologies" / "silk-road-2026.yaml")
    result = contingency(topology, default_demands(topology), mode="n-1")
    out = tmp_path_factory.mktemp("browser-cont") / "cont.html"
    out.write_text(render_contingency_html(result, topology), "utf-8")
    return out


def test_contingency_report_loads_with_map_and_ranked_failures(contingency_report: Path) -> None:
    done = _chromium(["--dump-dom", contingency_report.as_uri()])
    assert _console_errors(done.stderr) == []
    dom = done.stdout
    _assert_map_drawn(dom, 20)
    worst = _element(dom, "table", "worst")
    assert worst.count('<tr class="impact-') >= 10
    assert "only reroute" in _element(dom, "div", "headline")
