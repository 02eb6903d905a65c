"""A duplicate header chosen by position (README "Duplicate headers", issue 5 §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr.errors import InputError
from qbr.ingest import load_dataset
from qbr.io import read_table

COLUMNS = {"ticket_id": "Ticket", "client": "Company", "created_at": "Created"}
CSV = ("Ticket,Company,Severity,Created,Severity\n"
       "T1,ACME GmbH,low,2026-07-01 09:00,1 - Critical\n"
       "T2,ACME GmbH,high,2026-07-02 09:00,3 - Moderate\n")
PRIORITIES = {"1 - Critical": "P1", "3 - Moderate": "P3"}


def test_second_severity_column_is_read_when_chosen_by_position(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", CSV)
    cfg = make_config(tmp_path, {"t": source(
        "t.csv", columns={**COLUMNS, "priority": "Severity#2"},
        values={"priority": PRIORITIES})})
    tickets = load_dataset(cfg).tickets
    # The fifth column (second "Severity") holds "1 - Critical" and "3 - Moderate";
    # the third column's "low"/"high" would map to nothing.
    assert [(t.ticket_id, t.priority) for t in tickets] == [("T1", "P1"), ("T2", "P3")]


def test_first_column_by_position_and_message_label(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", CSV)
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**COLUMNS,
                                                               "priority": "Severity#1"})})
    table = read_table(cfg.sources[0], "t.csv")
    assert table.index["priority"] == 2
    assert table.label("priority") == "Severity#1"  # messages say which of the two


def test_bare_name_of_a_repeated_header_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", CSV)
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**COLUMNS,
                                                               "priority": "Severity"})})
    with pytest.raises(InputError) as caught:
        read_table(cfg.sources[0], "t.csv")
    message = str(caught.value)
    assert "positions 3 and 5" in message
    assert "'Severity#1' or 'Severity#2'" in message
    assert caught.value.exit_code == 78  # the config must choose: a config error


def test_a_header_literally_named_with_hash_wins(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Created,Severity,Severity#2\n"
                             "T1,ACME GmbH,2026-07-01 09:00,a,b\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**COLUMNS,
                                                               "priority": "Severity#2"})})
    assert read_table(cfg.sources[0], "t.csv").index["priority"] == 4


@pytest.mark.parametrize("wanted", ["Severity#2", "Severity#3", "Severity#0"])
def test_position_without_such_a_repeat_is_a_missing_column(tmp_path: Path,
                                                            wanted: str) -> None:
    # One "Severity" only: a position applies only when the header repeats.
    write(tmp_path, "t.csv", "Ticket,Company,Created,Severity\nT1,ACME GmbH,x,a\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**COLUMNS,
                                                               "priority": wanted})})
    with pytest.raises(InputError, match="missing column"):
        read_table(cfg.sources[0], "t.csv")


def test_position_beyond_the_repeats_is_a_missing_column(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", CSV)
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**COLUMNS,
                                                               "priority": "Severity#3"})})
    with pytest.raises(InputError, match=r"missing column\(s\): 'Severity#3'"):
        read_table(cfg.sources[0], "t.csv")
