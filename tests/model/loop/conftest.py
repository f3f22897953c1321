"""Loop fixtures: synthetic lakes written as the routing function writes them."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake


@pytest.fixture
def make_lake(tmp_path: Path) -> Callable[..., Path]:
    """`make_lake(rows=…, seed=…, …)` writes a synthetic lake and returns its prefix folder."""

    def make(**spec: Any) -> Path:
        root = tmp_path / "lake"
        write_lake(lake_frame(LakeSpec(**spec)), root)
        return root / "applications"

    return make
