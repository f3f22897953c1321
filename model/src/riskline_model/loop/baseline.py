"""The training baseline the drift monitor compares recent applications with, stored in the artifact.

`baseline.json` holds, from the training split: per numeric fact its decile bin edges, the share
of rows in each bin and its missing share, and its CDF at its percentiles (for KS); per categorical
fact the share of each category; the same for the model's reject probability; and the tier mix.
The score and tiers come from the artifact itself (its own loaders and predict) on up to
`SCORE_SAMPLE` training rows.
"""

import json
from pathlib import Path
from typing import Any

import numpy as np

from riskline_schema import FINANCIAL_FIELDS

from ..artifact import BASELINE
from .columns import FACT_COLUMNS
from .stats import bin_shares, cdf_points

BINS = 10
SCORE_SAMPLE = 20_000
FORMAT_VERSION = 1


def as_float(values: np.ndarray) -> np.ndarray:
    """Object column (None for missing) → float64 with NaN."""
    return np.array([np.nan if v is None else float(v) for v in values.tolist()], dtype=np.float64)


def numeric_baseline(values: np.ndarray, bins: int = BINS) -> dict[str, Any]:
    present = values[~np.isnan(values)]
    edges = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])).tolist() if present.size else []
    points, cdf = cdf_points(values)
    return {
        "kind": "numeric",
        "edges": edges,
        "shares": bin_shares(values, edges).tolist(),
        "missing_share": float(np.isnan(values).mean()) if values.size else 0.0,
        "cdf_points": points,
        "cdf": cdf,
    }


def categorical_baseline(values: np.ndarray) -> dict[str, Any]:
    labels, counts = np.unique(np.array([str(v) for v in values.tolist()], dtype=object), return_counts=True)
    return {
        "kind": "categorical",
        "shares": {str(k): int(c) / len(values) for k, c in zip(labels, counts, strict=True)},
    }


def compute_baseline(columns: dict[str, np.ndarray], probability: np.ndarray, tiers: np.ndarray) -> dict[str, Any]:
    features = {}
    for name in FINANCIAL_FIELDS:
        if FACT_COLUMNS[name] == "VARCHAR":
            features[name] = categorical_baseline(columns[name])
        else:
            features[name] = numeric_baseline(as_float(columns[name]))
    names, counts = np.unique(tiers.astype(str), return_counts=True)
    return {
        "format": FORMAT_VERSION,
        "rows": len(next(iter(columns.values()))),
        "score_rows": len(probability),
        "features": features,
        "score": numeric_baseline(probability.astype(np.float64)),
        "tiers": {str(k): int(c) / len(tiers) for k, c in zip(names, counts, strict=True)},
    }


def write_baseline(model_dir: Path, columns: dict[str, np.ndarray], seed: int = 0) -> Path:
    """Compute the baseline of the training columns and write it beside the other artifact files.

    Called by training once the booster, spec, thresholds and metadata are written, so the score
    comes from the artifact's own loaders and predict (the served probability and tier).
    """
    from ..serving.preprocess import Preprocessor
    from ..serving.xgboost import Scorer

    n = len(next(iter(columns.values())))
    idx = np.sort(np.random.default_rng(seed).permutation(n)[:SCORE_SAMPLE])
    sample = {k: v[idx] for k, v in columns.items()}
    predictions = Scorer.load(model_dir).predict(Preprocessor.load(model_dir).spec.transform(sample))
    probability = np.array([p["probability"] for p in predictions], dtype=np.float64)
    tiers = np.array([p["tier"] for p in predictions], dtype=object)
    path = model_dir / BASELINE
    path.write_text(json.dumps(compute_baseline(columns, probability, tiers)) + "\n")
    return path


def read_baseline(model_dir: Path) -> dict[str, Any]:
    path = model_dir / BASELINE
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: the artifact has no {BASELINE} (trained before baselines were stored)")
    return json.loads(path.read_text())
