"""Score labelled rows with a model artifact through the serving stages' own loaders and predict."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from riskline_schema import FINANCIAL_FIELDS, ModelInput

from ..artifact import read_metadata
from ..serving.preprocess import Preprocessor
from ..serving.xgboost import Scorer

CHUNK_ROWS = 5_000


@dataclass(frozen=True)
class Scored:
    model_version: str
    probability: np.ndarray  # P(auditor rejects)
    tier: np.ndarray  # "low" | "medium" | "high"


def read_rows(path: Path) -> list[dict[str, Any]]:
    with path.open() as fh:
        return [json.loads(line) for line in fh if line.strip()]


def model_inputs(rows: list[dict[str, Any]]) -> list[ModelInput]:
    return [
        ModelInput(
            application_id=row["application_id"], channel=row["channel"], **{f: row.get(f) for f in FINANCIAL_FIELDS}
        )
        for row in rows
    ]


def score_rows(model_dir: Path, rows: list[dict[str, Any]]) -> Scored:
    """Both pipeline stages' code in process, chunk by chunk, in row order."""
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir)
    probability: list[float] = []
    tiers: list[str] = []
    for start in range(0, len(rows), CHUNK_ROWS):
        predictions = scorer.predict(pre.features(model_inputs(rows[start : start + CHUNK_ROWS])))
        probability.extend(p["probability"] for p in predictions)
        tiers.extend(p["tier"] for p in predictions)
    return Scored(
        model_version=read_metadata(model_dir)["model_version"],
        probability=np.array(probability, dtype=np.float64),
        tier=np.array(tiers, dtype=object),
    )
