"""A state's permit wait (`permit_until`): its checks, each at its line (its schedule is
tested in test_state_start.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from twin.errors import InputError
from twin.loading.state import load_state

AS_OF = "2024-02-24T09:46:00Z"


def _state_file(tmp_path: Path, entry: str, resources: str = "") -> Path:
    path = tmp_path / "s.state.yaml"
    body = f"as_of: {AS_OF}\ndown:\n  - {entry}\n{resources}"
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    ("entry", "resources", "message"),
    [
        (
            f"{{link: ab1, since: {AS_OF}, eta: 2024-03-01T00:00:00Z, "
            "permit_until: 2024-03-01T00:00:00Z}",
            "",
            "a permit wait holds back a repair",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-02-20T00:00:00Z}}",
            "",
            "must come after as_of",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2044-02-20T00:00:00Z}}",
            "",
            "at most ten years after it",
        ),
        (
            f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-03-01T00:00:00Z}}",
            f"resources:\n  - {{id: crew, job: ab1, mobilising_since: {AS_OF}}}\n",
            "waits for a permit",
        ),
    ],
)
def test_a_bad_permit_is_refused_at_its_line(
    tmp_path: Path, entry: str, resources: str, message: str
) -> None:
    path = _state_file(tmp_path, entry, resources)
    with pytest.raises(InputError) as caught:
        load_state(path)
    problem = next(p for p in caught.value.problems if message in p.message)
    assert problem.path == str(path) and problem.line in (3, 5)


def test_a_good_permit_is_hours_after_as_of(tmp_path: Path) -> None:
    entry = f"{{link: ab1, since: {AS_OF}, cause: c, permit_until: 2024-04-20T09:46:00Z}}"
    (down,) = load_state(_state_file(tmp_path, entry)).down
    assert down.permit_until_h == 56 * 24.0  # eight weeks
