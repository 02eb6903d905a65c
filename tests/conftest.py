"""Every test gets its own parse cache folder, so no test reads or fills the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("qbr-cache")
    monkeypatch.setenv("QBR_CACHE_DIR", str(folder))
    return folder
