"""Every malformed file in tests/data/bad is refused with FILE:LINE:COL, a message and exit 2.

Each file states its expectation on its first line: ``# expect: LINE fragment`` — the line of
the fault (0 when any line is acceptable, e.g. an alias bomb detected while expanding) and a
fragment of the message. The expectations were written from the files, by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from twin.cli.app import main
from twin.loading.scenario_schema import CheckSpec
from twin.loading.schema import json_schemas
from twin.model import ASSERTION_KINDS

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
FILES = sorted(BAD.glob("*.yaml"))
_EXPECT = re.compile(rb"^# expect: (\d+) (.*)$")


def _expectation(path: Path) -> tuple[int, str]:
    first = path.read_bytes().split(b"\n", 1)[0]
    match = _EXPECT.match(first)
    if match is None:
        return 1, "file is empty"
    return int(match.group(1)), match.group(2).decode()


def test_the_corpus_covers_at_least_30_distinct_faults() -> None:
    fragments = {_expectation(p)[1] for p in FILES}
    assert len(FILES) >= 30 and len(fragments) >= 30


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bad_file_is_refused_with_its_location(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, fragment = _expectation(path)
    status = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    locations = re.findall(rf"{re.escape(str(path))}:(\d+):(\d+): (.*)", err)
    if "extends cycle" in fragment:
        # The cycle is reported on the file where it closes, which may be either member.
        locations = re.findall(r"extends-cycle-[ab]\.yaml:(\d+):(\d+): (.*)", err)
    assert locations, err
    if line:
        assert any(int(found_line) == line for found_line, _, _ in locations), err
    assert any(fragment.lower() in message.lower() for _, _, message in locations), err


@pytest.mark.parametrize("name", ["unknown-node", "faster-than-light", "alias-bomb", "not-utf8"])
def test_real_process_exits_2_without_traceback(name: str) -> None:
    twin = Path(sys.executable).with_name("twin")
    proc = subprocess.run(
        [str(twin), "validate", str(BAD / f"{name}.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{name}.yaml:" in proc.stderr


def test_hints_suggest_the_intended_id(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(BAD / "unknown-node.yaml")])
    assert "did you mean 'aktau'?" in capsys.readouterr().err
    main(["validate", str(BAD / "unknown-key.yaml")])
    assert "did you mean 'length_km'?" in capsys.readouterr().err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_being_read(
    device: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A device reports size 0 and never ends: reading it would exhaust memory before the size
    limit could apply. Fails if the loader reads first and checks afterwards."""
    if not Path(device).exists():
        pytest.skip(f"{device} not present")
    assert main(["validate", device]) == 2
    assert f"{device}: is not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name",
    ["scenario-check-mistyped-key", "scenario-override-mistyped-key", "scenario-unknown-check"],
)
def test_the_editors_json_schema_refuses_mistyped_check_and_override_keys(name: str) -> None:
    """The JSON Schema given to editors is generated from the same models as `twin validate`,
    so it refuses a misspelt check kind, check key or override key too; fails if `checks:` or
    `failures.classes` fall back to untyped mappings."""
    schema = json_schemas()["scenario"]
    document = yaml.safe_load((BAD / f"{name}.yaml").read_text())
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate(document, schema)


def test_the_check_schema_names_every_assertion_kind_the_model_knows() -> None:
    assert tuple(CheckSpec.model_fields) == ASSERTION_KINDS
