"""Binary models' risk tiers: two cut-offs on the reject probability, chosen on validation data.

low    p <  low_below                     -> decision hint accept
medium low_below <= p < high_at_or_above  -> review
high   p >= high_at_or_above              -> reject

The targets follow the data's own base rate, as odds ratios: the auto-accepted share's observed
reject rate may be at most the base rate's odds times `low_odds_ratio` (0.2), the auto-rejected
share's at least its odds times `high_odds_ratio` (7). At a 30 % base rate that is about 8 % and
75 %; at a 4 % base rate about 0.8 % and 23 %, so a rare-reject book still gets three tiers.
`low_below` is the highest cut meeting its target, `high_at_or_above` the lowest; every tier keeps at
least `min_share` of validation rows whenever the predictions allow it.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from riskline_schema import TIER_TO_HINT, RiskTier

TIERS: tuple[RiskTier, ...] = (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH)
LOW_ODDS_RATIO = 0.2
HIGH_ODDS_RATIO = 7.0


def odds_target(base_rate: float, ratio: float) -> float:
    """The rate whose odds are `ratio` times the odds of `base_rate`."""
    odds = ratio * base_rate / max(1.0 - base_rate, 1e-12)
    return odds / (1.0 + odds)


@dataclass(frozen=True)
class Thresholds:
    low_below: float
    high_at_or_above: float
    low_max_reject_rate: float  # the targets used (absolute rates, derived from the base rate)
    high_min_reject_rate: float
    base_reject_rate: float | None = None

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
        base = doc.get("base_reject_rate")
        return cls(
            **{
                k: float(doc[k])
                for k in ("low_below", "high_at_or_above", "low_max_reject_rate", "high_min_reject_rate")
            },
            base_reject_rate=None if base is None else float(base),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> "Thresholds":
        return cls.from_dict(json.loads(path.read_text()))


def choose_thresholds(
    p: np.ndarray,
    y: np.ndarray,
    low_odds_ratio: float = LOW_ODDS_RATIO,
    high_odds_ratio: float = HIGH_ODDS_RATIO,
    min_share: float = 0.02,
) -> Thresholds:
    """Pick both cuts on validation predictions `p` and labels `y` (1 = rejected)."""
    order = np.argsort(p, kind="stable")
    ps, ys = p[order].astype(np.float64), y[order].astype(np.float64)
    n = len(ps)
    base = float(ys.mean())
    low_target, high_target = odds_target(base, low_odds_ratio), odds_target(base, high_odds_ratio)
    k_min = max(1, int(np.ceil(min_share * n)))
    cum = np.cumsum(ys)
    # Only cut between distinct values, so "p < cut" and "p >= cut" mean exactly those rows.
    cuts = np.flatnonzero(np.diff(ps) > 0) + 1  # k rows below the cut ps[k]
    cuts = cuts[(cuts >= k_min) & (cuts <= n - k_min)]
    if cuts.size == 0:
        raise ValueError("validation predictions are too uniform to place tier thresholds")
    below_rate = cum[cuts - 1] / cuts
    above_rate = (cum[-1] - cum[cuts - 1]) / (n - cuts)

    # The low cut leaves room for a medium and a high tier of at least k_min rows each.
    roomy = cuts <= n - 2 * k_min
    ok_low = np.flatnonzero((below_rate <= low_target) & roomy)
    k_low = cuts[ok_low[-1]] if ok_low.size else cuts[0]
    above_low = cuts >= k_low + k_min
    ok_high = np.flatnonzero((above_rate >= high_target) & above_low)
    if ok_high.size:
        k_high = cuts[ok_high[0]]
    elif above_low.any():  # the target is out of reach: the smallest high tier the predictions allow
        k_high = cuts[above_low][-1]
    else:  # predictions too coarse for three tiers: medium stays empty (training reports it loudly)
        k_high = k_low
    return Thresholds(
        low_below=float(ps[k_low]),
        high_at_or_above=float(ps[k_high]),
        low_max_reject_rate=low_target,
        high_min_reject_rate=high_target,
        base_reject_rate=base,
    )
