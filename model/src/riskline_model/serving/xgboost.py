"""Stage 2: feature rows as CSV -> probability, tier, decision hint, reason codes, model version.

The booster is loaded once per worker with one thread (a worker per CPU serves in parallel);
each request runs `inplace_predict` on a float32 array (no DMatrix) and the reason codes come from
per-feature path contributions computed in numpy (see `explain.py`).
"""

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from riskline_schema import TIER_TO_HINT

from ..artifact import BOOSTER, FEATURE_SPEC, THRESHOLDS, check_complete, read_metadata
from ..explain import TreeTable, top_reasons
from ..features.spec import FeatureSpec
from ..tiers import TIERS, Thresholds
from .protocol import CSV, JSON, JSONLINES, BadRequest, accepted, media_type

TIER_NAMES = [t.value for t in TIERS]
HINT_NAMES = [TIER_TO_HINT[t].value for t in TIERS]
REASONS_PER_ROW = 3


def parse_csv(body: bytes, n_features: int) -> np.ndarray:
    """CSV rows (no header) -> float32 matrix; an empty field is a missing value."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise BadRequest("request body is not UTF-8 text/csv") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(",")
        if len(parts) != n_features:
            raise BadRequest(f"row {number} has {len(parts)} values; the model expects {n_features} features")
        try:
            rows.append([float(v) if v.strip() else math.nan for v in parts])
        except ValueError:
            bad = next(v for v in parts if v.strip() and not _is_float(v))
            raise BadRequest(f"row {number}: {bad.strip()!r} is not a number") from None
    if not rows:
        raise BadRequest("empty request body: send feature rows as text/csv")
    x = np.array(rows, dtype=np.float32)
    if np.isinf(x).any():
        raise BadRequest("feature values must be finite")
    return x


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class Scorer:
    """The stage-2 handler: loaded once per worker, then a pure function of each request."""

    supported_accept = (JSON, JSONLINES)

    def __init__(self, booster: xgb.Booster, spec: FeatureSpec, thresholds: Thresholds, model_version: str) -> None:
        booster.set_param({"nthread": 1})
        self.booster = booster
        self.spec = spec
        self.thresholds = thresholds
        self.model_version = model_version
        self.trees = TreeTable(booster)
        self.codes = [spec.reason_codes[f] for f in spec.features]
        if self.trees.n_features != spec.n_features:
            raise ValueError(f"booster has {self.trees.n_features} features, spec {spec.n_features}")

    @classmethod
    def load(cls, model_dir: Path) -> "Scorer":
        check_complete(model_dir)
        booster = xgb.Booster(params={"nthread": 1}, model_file=str(model_dir / BOOSTER))
        return cls(
            booster,
            FeatureSpec.load(model_dir / FEATURE_SPEC),
            Thresholds.load(model_dir / THRESHOLDS),
            read_metadata(model_dir)["model_version"],
        )

    def predict(self, x: np.ndarray) -> list[dict[str, Any]]:
        """One prediction per feature row, in row order."""
        p = self.booster.inplace_predict(x, validate_features=False)
        tiers = self.thresholds.tier_index(p).tolist()
        reasons = top_reasons(self.trees.contributions(x), self.codes, REASONS_PER_ROW)
        return [
            {
                "probability": round(prob, 6),
                "tier": TIER_NAMES[t],
                "decision_hint": HINT_NAMES[t],
                "reason_codes": r,
                "model_version": self.model_version,
            }
            for prob, t, r in zip(p.tolist(), tiers, reasons, strict=True)
        ]

    def invoke(self, body: bytes, content_type: str | None, accept: str | None) -> tuple[bytes, str]:
        out_type = accepted(accept, JSON, self.supported_accept)
        in_type = media_type(content_type, CSV)
        if in_type != CSV:
            raise BadRequest(f"unsupported content type {in_type!r}: send {CSV} feature rows", status=415)
        predictions = self.predict(parse_csv(body, self.spec.n_features))
        if out_type == JSONLINES:
            return "".join(json.dumps(p, separators=(",", ":")) + "\n" for p in predictions).encode(), out_type
        return json.dumps({"predictions": predictions}, separators=(",", ":")).encode(), out_type
