"""Every command the README documents is registered, and registration fails loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from twin.cli import app as cli_app

README = Path(__file__).resolve().parents[2] / "README.md"


def _documented() -> set[str]:
    """The commands of the README's command table (`twin import` / `twin export` are two)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Commands") :].split("\n\n")[1]
    return set(re.findall(r"`twin ([a-z]+)", table))


def test_every_documented_command_is_registered() -> None:
    cli_app.register_commands()
    registered = {info.name for info in cli_app.app.registered_commands}
    assert _documented() == set(cli_app.COMMANDS) == registered


def test_a_command_missing_from_the_app_stops_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_app.register_commands()
    fewer = typer.Typer()
    fewer.registered_commands = [
        info for info in cli_app.app.registered_commands if info.name != "diff"
    ]
    monkeypatch.setattr(cli_app, "app", fewer)
    with pytest.raises(RuntimeError, match="expected"):
        cli_app.register_commands()


def test_every_command_answers_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in cli_app.COMMANDS:
        assert cli_app.main([command, "--help"]) == 0, command
    assert "Usage" in capsys.readouterr().out
