"""Model fixtures: small artifacts trained once per run, shared by every model test.

Under xdist each worker has its own session, so a session fixture alone would train the same
artifact once per worker: `train_once` trains it once for the whole run (the first worker to ask
trains, under a file lock; the others copy its output) and gives each caller its own copy.
"""

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from riskline_model.artifact import ArtifactPaths
from riskline_model.train import train_to_dir

TRAIN_ROWS = 4_000
TRAIN_SEED = 11
TrainOnce = Callable[..., ArtifactPaths]


@pytest.fixture(scope="session")
def train_once(tmp_path_factory: pytest.TempPathFactory) -> TrainOnce:
    """`train_once(out_dir, **train_to_dir's arguments)`: the artifact in `out_dir`, trained once per run."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist the workers' base directories share this run's own parent; alone, the run's base is it.
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "trained-once"
    shared.mkdir(exist_ok=True)

    def train(out_dir: Path, **arguments: Any) -> ArtifactPaths:
        key = hashlib.sha256(json.dumps(arguments, sort_keys=True).encode()).hexdigest()[:16]
        cached = shared / key
        with (shared / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (cached / "model.tar.gz").is_file():
                shutil.rmtree(cached, ignore_errors=True)
                train_to_dir(cached, **arguments)
        shutil.copytree(cached, out_dir, dirs_exist_ok=True)
        return ArtifactPaths(tarball=out_dir / "model.tar.gz", unpacked=out_dir / "artifact")

    return train


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, train_once: TrainOnce) -> ArtifactPaths:
    """A tiny but real artifact: generated data, fitted spec, booster, thresholds, reports."""
    return train_once(tmp_path_factory.mktemp("model"), rows=TRAIN_ROWS, seed=TRAIN_SEED, num_round=80, max_depth=3)


@pytest.fixture(scope="session")
def model_dir(trained: ArtifactPaths) -> Path:
    return trained.unpacked


@pytest.fixture(scope="session")
def graded_trained(tmp_path_factory: pytest.TempPathFactory, train_once: TrainOnce) -> ArtifactPaths:
    """The same, trained on the generator's graded labels (low / medium / high, a few percent high)."""
    out = tmp_path_factory.mktemp("graded")
    return train_once(out, rows=TRAIN_ROWS, seed=TRAIN_SEED, labels="graded", num_round=120, max_depth=3)


@pytest.fixture(scope="session")
def graded_dir(graded_trained: ArtifactPaths) -> Path:
    return graded_trained.unpacked
