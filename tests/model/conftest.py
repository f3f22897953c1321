"""Model fixtures: one small artifact trained once per session, shared by every model test."""

from pathlib import Path

import pytest

from riskline_model.artifact import ArtifactPaths
from riskline_model.train import train_to_dir

TRAIN_ROWS = 4_000
TRAIN_SEED = 11


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> ArtifactPaths:
    """A tiny but real artifact: generated data, fitted spec, booster, thresholds, reports."""
    out = tmp_path_factory.mktemp("model")
    return train_to_dir(out, rows=TRAIN_ROWS, seed=TRAIN_SEED, num_round=80, max_depth=3)


@pytest.fixture(scope="session")
def model_dir(trained: ArtifactPaths) -> Path:
    return trained.unpacked


@pytest.fixture(scope="session")
def graded_trained(tmp_path_factory: pytest.TempPathFactory) -> ArtifactPaths:
    """The same, trained on the generator's graded labels (low / medium / high, a few percent high)."""
    out = tmp_path_factory.mktemp("graded")
    return train_to_dir(out, rows=TRAIN_ROWS, seed=TRAIN_SEED, labels="graded", num_round=120, max_depth=3)


@pytest.fixture(scope="session")
def graded_dir(graded_trained: ArtifactPaths) -> Path:
    return graded_trained.unpacked
