"""The marked YAML loader reads values exactly as PyYAML's safe loader does."""

from __future__ import annotations

from pathlib import Path

import yaml

from twin.loading.yaml_marks import load_yaml_with_marks

# The same text, plain and quoted, many times: the loader remembers each plain scalar's tag,
# and a quoted "1" must stay text where a plain 1 is a number.
_SCALARS = (
    "[1, '1', \"1\", yes, 'yes', no, 1.5, '1.5', ~, null, '~', '', 2024-01-02, '2024-01-02', "
    "0x1F, '0x1F', 1_000, 0o17, .inf, -.inf, '.inf', 1e3, '1e3', 190:20:30, on, 'on', text]"
)


def test_scalars_read_as_the_pure_python_safe_loader_reads_them(tmp_path: Path) -> None:
    text = "nodes: []\n" + "".join(f"values{i}: {_SCALARS}\n" for i in range(3))
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    ours = load_yaml_with_marks(path)
    reference = yaml.load(text, Loader=yaml.SafeLoader)
    assert ours == reference
    assert [type(v) for v in ours["values2"]] == [type(v) for v in reference["values2"]]
    assert ours["values1"][:3] == [1, "1", "1"]
    assert ours.mark_of("values2").line == 4
