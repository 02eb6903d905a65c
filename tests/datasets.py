"""Where the real exports under ``shared/datasets`` live, for tests marked ``datasets``.

``QBR_DATASETS`` names the folder; by default it is ``../shared/datasets`` relative to the
repository root. A test asks for a file with :func:`dataset_file`, which skips the test
with the path it looked at when the file is missing (e.g. on a fresh clone or in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def datasets_dir() -> Path:
    """The datasets folder: ``$QBR_DATASETS``, else ``<repo>/../shared/datasets``."""
    configured = os.environ.get("QBR_DATASETS")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "datasets"


def dataset_file(relative: str) -> Path:
    """The dataset file ``relative`` to :func:`datasets_dir`; skips the test if missing."""
    path = datasets_dir() / relative
    if not path.is_file():
        pytest.skip(f"dataset not available: {path} (set QBR_DATASETS to the datasets folder)")
    return path
