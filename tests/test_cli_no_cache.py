"""Every command that reads the exports takes ``--no-cache`` (README "Parse cache")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qbr.cli import main


@pytest.mark.parametrize("command", ["validate", "metrics", "report", "batch", "figures",
                                     "explain", "calibrate"])
def test_reading_commands_take_no_cache(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--no-cache" in result.output


def test_init_is_a_command() -> None:
    result = CliRunner().invoke(main, ["init", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
