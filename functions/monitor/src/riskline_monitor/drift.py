"""Drift and model quality in plain Python: PSI and KS per feature and for the score, tier PSI,
and AUC / agreement / reject rate by tier on the rows audited in the window.

The baseline is the artifact's `baseline.json` (`riskline_model.loop.baseline`): numeric features
carry bin edges with their shares and their CDF at their percentiles; categorical features carry
category shares. Bins are (-inf, e1), [e1, e2), …, [ek, inf); missing values are counted apart.
"""

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

EPSILON = 1e-4  # floor for an empty bin's share, so PSI stays finite
DEFAULT_PSI_THRESHOLD = 0.2  # the usual "significant shift" line
UNSEEN = "(unseen)"
TIERS = ("low", "medium", "high")


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index: sum over bins of (a - e) * ln(a / e)."""
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, EPSILON), max(a, EPSILON)
        total += (a - e) * math.log(a / e)
    return total


def present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def bin_shares(values: Sequence[float | None], edges: Sequence[float]) -> list[float]:
    v = present(values)
    counts = [0] * (len(edges) + 1)
    for x in v:
        counts[bisect_right(edges, x)] += 1
    return [c / len(v) for c in counts] if v else counts


def ks(points: Sequence[float], cdf: Sequence[float], values: Sequence[float | None]) -> float:
    """KS statistic against a baseline known by its CDF at `points` (its percentiles)."""
    v = sorted(present(values))
    if not v or not points:
        return math.nan
    return max(abs(bisect_right(v, p) / len(v) - c) for p, c in zip(points, cdf, strict=True))


@dataclass(frozen=True)
class Drift:
    name: str
    kind: str  # "numeric" | "categorical" | "score" | "tier"
    psi: float
    ks: float | None
    rows: int
    baseline_missing: float | None
    current_missing: float | None
    flagged: bool


def numeric_drift(name: str, base: dict[str, Any], values: Sequence[Any], threshold: float, kind: str) -> Drift:
    shares = bin_shares(values, base["edges"])
    kept = present(values)
    return Drift(
        name=name,
        kind=kind,
        psi=(value := psi(base["shares"], shares)),
        ks=ks(base["cdf_points"], base["cdf"], values),
        rows=len(values),
        baseline_missing=base["missing_share"],
        current_missing=(1 - len(kept) / len(values)) if values else None,
        flagged=value > threshold,
    )


def categorical_drift(name: str, base: dict[str, float], values: Sequence[Any], threshold: float, kind: str) -> Drift:
    counts = Counter(str(v) if str(v) in base else UNSEEN for v in values)
    categories = [*base, UNSEEN]
    expected = [base.get(c, 0.0) for c in categories]
    actual = [counts.get(c, 0) / max(len(values), 1) for c in categories]
    value = psi(expected, actual)
    return Drift(name, kind, value, None, len(values), None, None, value > threshold)


def feature_drift(baseline: dict[str, Any], columns: dict[str, Sequence[Any]], threshold: float) -> list[Drift]:
    out = []
    for name, base in baseline["features"].items():
        if name not in columns:
            continue
        if base["kind"] == "numeric":
            out.append(numeric_drift(name, base, columns[name], threshold, "numeric"))
        else:
            out.append(categorical_drift(name, base["shares"], columns[name], threshold, "categorical"))
    return out


def auc(score: Sequence[float], rejected: Sequence[int]) -> float:
    """Mann-Whitney AUC with ties counted half."""
    pairs = sorted(zip(score, rejected, strict=True))
    n1 = sum(rejected)
    n0 = len(pairs) - n1
    if n1 == 0 or n0 == 0:
        return math.nan
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1 .. j
        rank_sum += average_rank * sum(y for _, y in pairs[i:j])
        i = j
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def quality(probability: Sequence[float], tiers: Sequence[str], rejected: Sequence[int]) -> dict[str, Any]:
    """On audited rows: AUC of the served probability, agreement of the decided tiers with the
    auditors (low = accept, high = reject; medium is a referral and is left out), reject rate by tier."""
    decided = [(t, y) for t, y in zip(tiers, rejected, strict=True) if t in ("low", "high")]
    agree = sum(1 for t, y in decided if (t == "high") == bool(y))
    by_tier = {}
    for tier in TIERS:
        labels = [y for t, y in zip(tiers, rejected, strict=True) if t == tier]
        by_tier[tier] = {"count": len(labels), "reject_rate": sum(labels) / len(labels) if labels else None}
    return {
        "rows": len(rejected),
        "auc": auc(probability, rejected) if rejected else math.nan,
        "agreement": agree / len(decided) if decided else math.nan,
        "reject_rate_by_tier": by_tier,
    }


@dataclass(frozen=True)
class DriftResult:
    window: dict[str, str | None]
    rows: int
    threshold: float
    features: list[Drift]
    score: Drift | None
    tiers: Drift | None
    quality: dict[str, Any] | None
    model_version: str | None = None

    @property
    def flagged(self) -> list[str]:
        return [d.name for d in self.features if d.flagged]

    @property
    def max_feature_psi(self) -> float:
        return max((d.psi for d in self.features), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.update(flagged=self.flagged, max_feature_psi=self.max_feature_psi)
        return doc

    def lines(self) -> list[str]:
        head = f"{'feature':32} {'kind':12} {'PSI':>8} {'KS':>7}  flag"
        rows = [head]
        for d in [*self.features, *(x for x in (self.score, self.tiers) if x)]:
            ks_text = "" if d.ks is None or math.isnan(d.ks) else f"{d.ks:.3f}"
            rows.append(f"{d.name:32} {d.kind:12} {d.psi:8.3f} {ks_text:>7}  {'DRIFT' if d.flagged else ''}")
        flagged = ", ".join(self.flagged) or "none"
        rows.append(f"{self.rows} rows; threshold PSI > {self.threshold}; drifted features: {flagged}")
        if self.quality and self.quality["rows"]:
            q = self.quality
            rates = ", ".join(
                f"{t} {v['reject_rate']:.1%} of {v['count']}" if v["reject_rate"] is not None else f"{t} -"
                for t, v in q["reject_rate_by_tier"].items()
            )
            rows.append(
                f"audited in window: {q['rows']} rows, AUC {q['auc']:.3f}, agreement {q['agreement']:.1%};"
                f" reject rate by tier: {rates}"
            )
        return rows


def analyse(
    baseline: dict[str, Any],
    columns: dict[str, Sequence[Any]],
    probability: Sequence[float | None],
    tiers: Sequence[str | None],
    rejected: Sequence[int | None],
    window: dict[str, str | None],
    threshold: float = DEFAULT_PSI_THRESHOLD,
    model_version: str | None = None,
) -> DriftResult:
    """Everything the monitor reports for one window. `rejected` is None for rows not audited yet."""
    rows = len(probability)
    scored = [p for p in probability if p is not None]
    score = numeric_drift("score", baseline["score"], scored, threshold, "score") if scored else None
    served = [t for t in tiers if t is not None]
    tier_drift = categorical_drift("tier", baseline["tiers"], served, threshold, "tier") if served else None
    audited = [
        (p, t, y) for p, t, y in zip(probability, tiers, rejected, strict=True) if y is not None and p is not None
    ]
    q = quality([a[0] for a in audited], [a[1] for a in audited], [a[2] for a in audited]) if audited else None
    return DriftResult(
        window=window,
        rows=rows,
        threshold=threshold,
        features=feature_drift(baseline, columns, threshold),
        score=score,
        tiers=tier_drift,
        quality=q,
        model_version=model_version,
    )
