"""Stage 2: feature rows as CSV -> probability, tier, tier probabilities, decision hint, reasons, version.

The artifact's tier model (`tier_model.py`: binary, softmax, ordinal or ensemble) is loaded once
per worker and compiled into the one-walk predictor (`predictor.py`): a single pass over the trees
gives the margins (XGBoost's own, checked at load) and the per-feature path contributions behind
the reason codes, which explain the tier served (binary: toward reject; graded: this tier over the
one below it). A server worker walks on one thread (a worker per CPU serves in parallel); the
batch path gives the walk every CPU.
"""

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from riskline_schema import TIER_TO_HINT

from ..artifact import FEATURE_SPEC, check_complete, read_metadata
from ..features.spec import FeatureSpec
from ..predictor import Predictor
from ..tier_model import TierModel
from ..tiers import TIERS
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

    def __init__(self, model: TierModel, spec: FeatureSpec, model_version: str, threads: int = 1) -> None:
        for booster in model.boosters:
            booster.set_param({"nthread": 1})
        self.model = model
        self.booster = model.boosters[0]  # the main booster (benchmarks time it bare)
        self.thresholds = model.thresholds  # binary artifacts
        self.spec = spec
        self.model_version = model_version
        self.codes = [spec.reason_codes[f] for f in spec.features]
        self.predictor = Predictor(model, self.codes, threads=threads, reasons_per_row=REASONS_PER_ROW)
        self.explain_weights = model.explain_weights  # (tier served, margin group)

    @classmethod
    def load(cls, model_dir: Path, threads: int = 1) -> "Scorer":
        check_complete(model_dir)
        return cls(
            TierModel.load(model_dir, nthread=1),
            FeatureSpec.load(model_dir / FEATURE_SPEC),
            read_metadata(model_dir)["model_version"],
            threads=threads,
        )

    def explain(self, x: np.ndarray, served: np.ndarray) -> np.ndarray:
        """(rows, features) contributions to the margin that put each row in the tier it is served."""
        _, contrib = self.predictor.walk(x)
        return self.predictor.tier_contributions(x, contrib, served)

    def predict(self, x: np.ndarray) -> list[dict[str, Any]]:
        """One prediction per feature row, in row order."""
        scores = self.predictor.score(x)
        reasons = self.predictor.reason_names(scores.reasons)
        version = self.model_version
        rounded = np.round(scores.tier_probabilities, 6).tolist()  # one numpy call, not three round() per row
        return [
            {
                "probability": round(prob, 6),
                "tier": TIER_NAMES[t],
                "tier_probabilities": {"low": lo, "medium": me, "high": hi},
                "decision_hint": HINT_NAMES[t],
                "reason_codes": r,
                "model_version": version,
            }
            for prob, t, (lo, me, hi), r in zip(
                scores.reject_probability.tolist(), scores.served.tolist(), rounded, reasons, strict=True
            )
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
