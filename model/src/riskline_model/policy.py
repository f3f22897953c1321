"""Which tier to serve from per-tier probabilities: argmax, or the least expected cost.

`costs[true][served]` is what serving tier `served` costs when the auditors' tier is `true`. With
`expected_cost` and no costs given, training fits them on validation data: a wrong answer on tier k
costs `prior_k ** -alpha` (alpha on a grid, the one with the best validation macro-F1), so a
rare high tier is not drowned by the common ones. The policy travels in the artifact; serving it is
one (rows x 3) @ (3 x 3) product.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

RULES = ("argmax", "expected_cost")
# 0 (argmax) to 1.5 by 0.05: a coarser grid left a few points of validation macro-F1 on the table.
ALPHA_GRID = tuple(round(0.05 * i, 2) for i in range(31))


def parse_costs(text: str, k: int = 3) -> np.ndarray:
    """`0,1,2;1,0,1;4,2,0` (rows = auditors' tier low..high, columns = tier served) -> (k, k) array."""
    rows = [[float(v) for v in row.split(",")] for row in text.split(";") if row.strip()]
    costs = np.array(rows, dtype=np.float64)
    if costs.shape != (k, k) or (costs < 0).any() or np.any(np.diag(costs) != 0):
        raise ValueError(f"tier_costs {text!r}: need {k} rows of {k} non-negative costs with a zero diagonal")
    return costs


def macro_f1(y: np.ndarray, served: np.ndarray, k: int = 3) -> float:
    scores = []
    for c in range(k):
        tp = float(np.sum((served == c) & (y == c)))
        denom = float(np.sum(served == c) + np.sum(y == c))
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


@dataclass(frozen=True)
class TierPolicy:
    rule: str
    costs: np.ndarray | None = None  # (3, 3), expected_cost only
    alpha: float | None = None  # when the costs were fitted

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"tier_policy must be one of {', '.join(RULES)}, not {self.rule!r}")
        if self.rule == "expected_cost" and self.costs is None:
            raise ValueError("an expected_cost policy needs costs")

    def serve(self, probabilities: np.ndarray) -> np.ndarray:
        """The tier index (0 low, 1 medium, 2 high) per row of (rows, 3) probabilities."""
        if self.rule == "argmax":
            return np.argmax(probabilities, axis=1).astype(np.int8)
        return np.argmin(probabilities @ self.costs, axis=1).astype(np.int8)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "costs": None if self.costs is None else self.costs.tolist(),
            "fitted_alpha": self.alpha,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> "TierPolicy":
        costs = doc.get("costs")
        return cls(doc["rule"], None if costs is None else np.array(costs, dtype=np.float64), doc.get("fitted_alpha"))


def prior_costs(prior: np.ndarray, alpha: float) -> np.ndarray:
    weight = np.power(np.maximum(prior, 1e-6), -alpha)
    costs = np.repeat((weight / weight.min())[:, None], len(prior), axis=1)
    np.fill_diagonal(costs, 0.0)
    return costs


def fit_policy(rule: str, costs_text: str, p_val: np.ndarray, y_val: np.ndarray, prior: np.ndarray) -> TierPolicy:
    """The policy the hyperparameters ask for; expected_cost without costs fits them on validation."""
    if rule == "argmax":
        return TierPolicy("argmax")
    if costs_text.strip():
        return TierPolicy("expected_cost", parse_costs(costs_text))
    best = max(
        ALPHA_GRID, key=lambda a: macro_f1(y_val, TierPolicy("expected_cost", prior_costs(prior, a)).serve(p_val))
    )
    return TierPolicy("expected_cost", prior_costs(prior, best), alpha=best)
