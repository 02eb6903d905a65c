"""Issue 5 §5 on real data: the Whirlpool Excel re-saved copy (shared/datasets) with a
day-first and a month-first format both listed rejects exactly the rows whose slash dates
the two formats read differently, as ``ambiguous-date``, and still reconciles."""

from __future__ import annotations

import tomllib
from typing import Any

import pandas as pd
import pytest

from qbr.config import parse_config
from qbr.ingest import load_dataset
from tests.datasets import REPO_ROOT, dataset_file

pytestmark = pytest.mark.datasets
COPY = "servicenow-whirlpool-lar-2025/snapshot_2025-03-12_excel_resaved_copia.csv"


def _two_way(values: pd.Series) -> pd.Series:
    """Plain pandas: "MM/DD/YYYY HH:MM" values whose day-first reading is another valid
    date (both parts 1-12 and different)."""
    parts = values.str.extract(r"^(\d\d)/(\d\d)/\d{4} \d\d:\d\d$").astype(float)
    first, second = parts[0], parts[1]
    return (first <= 12) & (second <= 12) & (first != second)


def test_whirlpool_copy_with_both_readings_listed_rejects_the_ambiguous_rows() -> None:
    path = dataset_file(COPY)
    data: dict[str, Any] = tomllib.loads(
        (REPO_ROOT / "examples" / "servicenow-whirlpool-excel.toml").read_text())
    source = data["sources"]["excel-copy"]
    source["path"] = str(path)
    source["date_format"] = ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m-%d-%Y %H:%M:%S"]
    dataset = load_dataset(parse_config(data, REPO_ROOT / "examples", "x.toml"))
    (report,) = dataset.files
    assert report.read == report.accepted + report.unassigned + report.rejected.total()
    raw = pd.read_csv(path, dtype=str)
    expected = int((_two_way(raw["Created"]) | _two_way(raw["Last update"])).sum())
    assert expected > 0  # the copy does hold such values (e.g. 03/12/2025)
    assert report.rejected["ambiguous-date"] == expected
    sample = next(r for r in dataset.rejections if r.reason == "ambiguous-date")
    assert sample.column in ("Created", "Last update")
    assert "under '%m/%d/%Y %H:%M' and as" in sample.detail
    assert "under '%d/%m/%Y %H:%M'" in sample.detail
