"""The README is tested like code (STYLE 11): commands, exit codes, the JSON example."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from mini_project import AS_OF, write_mini_project
from test_sample_metrics import check_client_shape

from qbr.batch import TemplateFailure
from qbr.batchio import DestinationError, LockHeld
from qbr.cli import EXIT_BROKEN_PIPE, main
from qbr.errors import ConfigError, InputError, SystemDependencyError, UsageError

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_names_every_command() -> None:
    for name in main.commands:
        assert f"`qbr {name}" in README, name


def test_readme_exit_codes_match_the_code() -> None:
    table = README.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    used = {0, 1, 2, 70, InputError.exit_code, ConfigError.exit_code,
            UsageError.exit_code, SystemDependencyError.exit_code, DestinationError.exit_code,
            LockHeld.exit_code, TemplateFailure.exit_code, EXIT_BROKEN_PIPE}
    assert documented == used


def test_readme_json_example_has_the_spec_shape() -> None:
    block = README.split("## Metrics JSON", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    doc = json.loads(block)
    assert doc["schema"] == "qbr.metrics/1"
    check_client_shape(doc["clients"][0])


def test_missing_pango_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    class NoPango(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            raise OSError("cannot load library 'libgobject-2.0-0': not found")

    monkeypatch.setitem(sys.modules, "qbr.report", NoPango("qbr.report"))
    config = write_mini_project(tmp_path)
    result = CliRunner().invoke(main, ["report", "--config", str(config), "--client", "acme",
                                       "--quarter", "2026Q3", "--as-of", AS_OF])
    assert result.exit_code == 69
    assert result.stderr.startswith("error: cannot render PDFs: cannot load library "
                                    "'libgobject-2.0-0'")
    assert "apt-get install libpango-1.0-0" in result.stderr
