"""Risk tiers: two probability thresholds, chosen on validation data and saved with the model.

low    p <  low_below          -> decision hint accept
medium low_below <= p < high_at_or_above -> review
high   p >= high_at_or_above    -> reject

`low_below` is the highest cut whose auto-accepted share has an observed reject rate at most
`low_max_reject_rate`; `high_at_or_above` the lowest cut whose auto-rejected share has an observed
reject rate at least `high_min_reject_rate`. Each tier keeps at least `min_share` of validation rows.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from riskline_schema import TIER_TO_HINT, RiskTier

TIERS: tuple[RiskTier, ...] = (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH)


@dataclass(frozen=True)
class Thresholds:
    low_below: float
    high_at_or_above: float
    low_max_reject_rate: float
    high_min_reject_rate: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.low_below <= self.high_at_or_above <= 1.0:
            raise ValueError(f"thresholds out of order: low_below={self.low_below} high={self.high_at_or_above}")

    def tier_index(self, p: np.ndarray) -> np.ndarray:
        """0 = low, 1 = medium, 2 = high, per probability."""
        return (p >= self.low_below).astype(np.int8) + (p >= self.high_at_or_above).astype(np.int8)

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["tiers"] = {t.value: TIER_TO_HINT[t].value for t in TIERS}
        return doc

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> "Thresholds":
        return cls(
            **{
                k: float(doc[k])
                for k in ("low_below", "high_at_or_above", "low_max_reject_rate", "high_min_reject_rate")
            }
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> "Thresholds":
        return cls.from_dict(json.loads(path.read_text()))


def choose_thresholds(
    p: np.ndarray,
    y: np.ndarray,
    low_max_reject_rate: float = 0.08,
    high_min_reject_rate: float = 0.75,
    min_share: float = 0.02,
) -> Thresholds:
    """Pick both cuts on validation predictions `p` and labels `y` (1 = rejected)."""
    order = np.argsort(p, kind="stable")
    ps, ys = p[order].astype(np.float64), y[order].astype(np.float64)
    n = len(ps)
    k_min = max(1, int(np.ceil(min_share * n)))
    cum = np.cumsum(ys)
    # Only cut between distinct values, so "p < cut" and "p >= cut" mean exactly those rows.
    cuts = np.flatnonzero(np.diff(ps) > 0) + 1  # k rows below the cut ps[k]
    cuts = cuts[(cuts >= k_min) & (cuts <= n - k_min)]
    if cuts.size == 0:
        raise ValueError("validation predictions are too uniform to place tier thresholds")
    below_rate = cum[cuts - 1] / cuts
    above_rate = (cum[-1] - cum[cuts - 1]) / (n - cuts)

    ok_low = np.flatnonzero(below_rate <= low_max_reject_rate)
    k_low = cuts[ok_low[-1]] if ok_low.size else cuts[0]
    ok_high = np.flatnonzero((above_rate >= high_min_reject_rate) & (cuts > k_low))
    k_high = cuts[ok_high[0]] if ok_high.size else cuts[cuts > k_low][-1] if (cuts > k_low).any() else k_low
    return Thresholds(
        low_below=float(ps[k_low]),
        high_at_or_above=float(ps[k_high]),
        low_max_reject_rate=low_max_reject_rate,
        high_min_reject_rate=high_min_reject_rate,
    )
