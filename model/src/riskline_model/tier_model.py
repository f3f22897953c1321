"""The tier model: booster margins -> calibrated per-tier probabilities -> the tier served.

Training evaluates and serving answers with this one class, so both read tiers the same way.

kind      boosters                                probabilities                     tier served
binary    P(reject) (binary:logistic)             smoothed reading of the cut-offs  the two cut-offs (tiers.py)
softmax   one multi:softprob booster, 3 groups    vector-scaled softmax             policy.py
ordinal   P(tier >= medium), P(tier = high)       Platt-scaled cumulative heads     policy.py
ensemble  the softmax booster, then both heads    the mean of the two above         policy.py

A graded model may boost from linear margins (`linear.py`): its margins are then the linear scores
plus the trees', and so are its reason-code contributions.

`reject_probability` is P(reject) for a binary model and P(tier high) for a graded one (the grade an
auditor's rejection stands for). For a binary model the per-tier probabilities are not frequencies
of a graded label (there is none): P(tier >= medium) = sigmoid((logit p - logit low_below) / s) and
P(high) = sigmoid((logit p - logit high_at_or_above) / s), with s a quarter of the medium band's
width in logits; they sum to 1, move smoothly with p, and cross 1/2 at the cut-offs.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from .calibration import ordinal_probabilities, softmax_probabilities
from .grades import TIER_NAMES, GradeVocabulary
from .linear import LinearMargins
from .policy import TierPolicy
from .tiers import Thresholds

TIERS_FILE = "tiers.json"
LEGACY_THRESHOLDS_FILE = "thresholds.json"
KINDS = ("binary", "softmax", "ordinal", "ensemble")
BINARY_BAND_STEPS = 4.0
# Per tier served, how the explained margins combine into "what put this application in this tier":
# rows = tier served (low, medium, high), columns = the model's margin groups.
EXPLAIN_WEIGHTS = {
    "binary": np.array([[1.0], [1.0], [1.0]]),  # toward reject, whatever the tier
    "softmax": np.array([[-1.0, 1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]]),  # this tier over the one below
    "ordinal": np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),  # the head that crossed into this tier
}
EXPLAIN_WEIGHTS["ensemble"] = 0.5 * np.hstack([EXPLAIN_WEIGHTS["softmax"], EXPLAIN_WEIGHTS["ordinal"]])


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9)
    return np.log(p) - np.log1p(-p)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class TierModel:
    kind: str
    boosters: list[xgb.Booster]
    calibration: dict[str, Any]
    policy: TierPolicy | None = None  # graded kinds
    thresholds: Thresholds | None = None  # binary
    vocabulary: GradeVocabulary | None = None  # graded kinds
    linear: LinearMargins | None = None  # the margins the boosters start from (graded kinds)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"tier model kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if (self.kind == "binary") != (self.thresholds is not None) or (self.kind != "binary") != (
            self.policy is not None
        ):
            raise ValueError("a binary tier model needs thresholds, a graded one a policy")
        self._scale = np.asarray(self.calibration.get("scale", [1.0, 1.0]), dtype=np.float64)
        self._offset = np.asarray(self.calibration.get("offset", [0.0, 0.0]), dtype=np.float64)
        self._temperature = float(self.calibration.get("temperature", 1.0))
        self._bias = np.asarray(self.calibration.get("bias", [0.0, 0.0, 0.0]), dtype=np.float64)
        if self.thresholds is not None:  # the smoothed reading of the cut-offs, precomputed (per request it is hot)
            lo, hi = float(_logit(self.thresholds.low_below)), float(_logit(self.thresholds.high_at_or_above))
            self._cuts = np.array([lo, hi])
            self._inv_step = 1.0 / max((hi - lo) / BINARY_BAND_STEPS, 1e-3)

    @property
    def booster_files(self) -> list[str]:
        return ["model.ubj"] + [f"model_{i}.ubj" for i in range(1, len(self.boosters))]

    @property
    def explain_weights(self) -> np.ndarray:
        return EXPLAIN_WEIGHTS[self.kind]

    def margins(self, x: np.ndarray) -> np.ndarray:
        """(rows, groups) raw margins: 1 group (binary), 3 (softmax), 2 (ordinal heads) or 3 + 2 (ensemble)."""
        base = None if self.linear is None else self.linear.margins(x).astype(np.float32)
        if self.kind == "binary":
            return self.boosters[0].inplace_predict(x, predict_type="margin", validate_features=False)[:, None]
        parts, heads, column = [], self.boosters, 0
        if self.kind in ("softmax", "ensemble"):
            groups = None if base is None else base[:, :3]
            parts.append(
                self.boosters[0].inplace_predict(x, predict_type="margin", validate_features=False, base_margin=groups)
            )
            heads, column = self.boosters[1:], 3
        for g, b in enumerate(heads):
            head_base = None if base is None else base[:, column + g]
            parts.append(
                b.inplace_predict(x, predict_type="margin", validate_features=False, base_margin=head_base)[:, None]
            )
        return np.hstack(parts)

    def probabilities(self, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(reject probability per row, (rows, 3) tier probabilities) from `margins`."""
        if self.kind == "softmax":
            tiers = softmax_probabilities(margins, self._temperature, self._bias)
            return tiers[:, 2], tiers
        if self.kind == "ordinal":
            tiers = ordinal_probabilities(margins, self._scale, self._offset)
            return tiers[:, 2], tiers
        if self.kind == "ensemble":
            tiers = 0.5 * (
                softmax_probabilities(margins[:, :3], self._temperature, self._bias)
                + ordinal_probabilities(margins[:, 3:], self._scale, self._offset)
            )
            return tiers[:, 2], tiers
        z = margins[:, 0].astype(np.float64)  # the margin is logit(p)
        return _sigmoid(z), self._binary_tiers(z)

    def binary_tier_probabilities(self, p: np.ndarray) -> np.ndarray:
        return self._binary_tiers(_logit(p))

    def _binary_tiers(self, z: np.ndarray) -> np.ndarray:
        # Columns P(tier >= medium), P(high); the second is never above the first (high cut >= low cut).
        above = _sigmoid((z[:, None] - self._cuts) * self._inv_step)
        tiers = np.empty((len(z), 3))
        tiers[:, 0] = 1.0 - above[:, 0]
        tiers[:, 1] = above[:, 0] - above[:, 1]
        tiers[:, 2] = above[:, 1]
        return tiers

    def serve(self, reject_probability: np.ndarray, tier_probabilities: np.ndarray) -> np.ndarray:
        """The tier index served per row (0 low, 1 medium, 2 high)."""
        if self.thresholds is not None:
            return self.thresholds.tier_index(reject_probability)
        assert self.policy is not None
        return self.policy.serve(tier_probabilities)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "tiers": list(TIER_NAMES),
            "boosters": self.booster_files,
            "calibration": self.calibration,
            "policy": None if self.policy is None else self.policy.to_dict(),
            "thresholds": None if self.thresholds is None else self.thresholds.to_dict(),
            "vocabulary": None if self.vocabulary is None else self.vocabulary.to_dict(),
            "linear": None if self.linear is None else self.linear.to_dict(),
        }

    def save(self, model_dir: Path, model_version: str) -> None:
        for booster, name in zip(self.boosters, self.booster_files, strict=True):
            booster.set_attr(model_version=model_version)
            booster.save_model(model_dir / name)
        (model_dir / TIERS_FILE).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, model_dir: Path, nthread: int | None = None) -> "TierModel":
        params = {"nthread": nthread} if nthread else {}
        path = model_dir / TIERS_FILE
        if not path.is_file() and (model_dir / LEGACY_THRESHOLDS_FILE).is_file():  # artifacts before tiers.json
            booster = xgb.Booster(params=params, model_file=str(model_dir / "model.ubj"))
            return cls("binary", [booster], {}, thresholds=Thresholds.load(model_dir / LEGACY_THRESHOLDS_FILE))
        doc = json.loads(path.read_text())
        boosters = [xgb.Booster(params=params, model_file=str(model_dir / name)) for name in doc["boosters"]]
        return cls(
            doc["kind"],
            boosters,
            doc.get("calibration") or {},
            policy=None if doc.get("policy") is None else TierPolicy.from_dict(doc["policy"]),
            thresholds=None if doc.get("thresholds") is None else Thresholds.from_dict(doc["thresholds"]),
            vocabulary=None if doc.get("vocabulary") is None else GradeVocabulary.from_dict(doc["vocabulary"]),
            linear=None if doc.get("linear") is None else LinearMargins.from_dict(doc["linear"]),
        )
