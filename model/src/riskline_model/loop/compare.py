"""Champion and challenger on the same holdout: the figures the gate weighs.

Per model: AUC, log loss and calibration error (ECE) of the reject probability against the audit;
macro-F1 of the decision (graded labels: the tier against the grade's tier; binary labels: reject
when the probability is at least 0.5, against accept/reject); tier mix with observed reject rates;
the approval-rate (tier low) gap across a group column. Between the two: the share of holdout rows
whose tier changes and the PSI of the tier distribution.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.labeled import BINARY_LABELS, DEFAULT_REJECT_GRADES
from ..evaluate import auc, calibration, log_loss
from .score import Scored
from .stats import psi_from_shares

TIER_NAMES = ("low", "medium", "high")
# Letter grades as tiers (A-B low, C-D medium, E-G high); low/medium/high are tiers already.
GRADE_TIERS = {"a": "low", "b": "low", "c": "medium", "d": "medium", "e": "high", "f": "high", "g": "high"}
MIN_GROUP_ROWS = 30  # smaller groups are listed but left out of the gap


@dataclass(frozen=True)
class Holdout:
    labels: np.ndarray  # raw label strings (lower case)
    groups: np.ndarray | None
    group_column: str | None

    @property
    def label_kind(self) -> str:
        return "binary" if set(self.labels.tolist()) <= BINARY_LABELS.keys() else "grade"

    @property
    def rejected(self) -> np.ndarray:
        if self.label_kind == "binary":
            return np.array([BINARY_LABELS[v] for v in self.labels], dtype=np.int64)
        return np.array([v in DEFAULT_REJECT_GRADES for v in self.labels], dtype=np.int64)

    @property
    def label_tiers(self) -> np.ndarray:
        return np.array([GRADE_TIERS.get(v, v) for v in self.labels], dtype=object)


def holdout_from_rows(rows: list[dict[str, Any]], group_column: str | None = None) -> Holdout:
    """Labels and the fairness group (`group_column`, else `protected_group` or `channel` if present)."""
    labels = np.array([str(r["label"]).strip().lower() for r in rows], dtype=object)
    if group_column is None:
        group_column = next((c for c in ("protected_group", "channel") if rows and rows[0].get(c) is not None), None)
    groups = np.array([r.get(group_column) for r in rows], dtype=object) if group_column else None
    return Holdout(labels=labels, groups=groups, group_column=group_column)


def macro_f1(predicted: np.ndarray, actual: np.ndarray, classes: tuple[str, ...]) -> float:
    scores = []
    for c in classes:
        tp = float(np.sum((predicted == c) & (actual == c)))
        fp = float(np.sum((predicted == c) & (actual != c)))
        fn = float(np.sum((predicted != c) & (actual == c)))
        if tp + fp + fn == 0:
            continue  # a class absent from both sides says nothing
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def approval_by_group(tier: np.ndarray, groups: np.ndarray) -> dict[str, dict[str, float]]:
    return {
        str(g): {"count": int((groups == g).sum()), "approval_rate": float((tier[groups == g] == "low").mean())}
        for g in sorted({str(v) for v in groups.tolist()})
    }


def model_figures(scored: Scored, holdout: Holdout) -> dict[str, Any]:
    y = holdout.rejected
    p = scored.probability
    ece, bins = calibration(p, y)
    if holdout.label_kind == "grade":
        f1 = macro_f1(scored.tier, holdout.label_tiers, TIER_NAMES)
    else:
        decided = np.where(p >= 0.5, "reject", "accept")
        f1 = macro_f1(decided, np.where(y == 1, "reject", "accept"), ("accept", "reject"))
    tiers = {}
    for name in TIER_NAMES:
        mask = scored.tier == name
        tiers[name] = {
            "share": float(mask.mean()),
            "count": int(mask.sum()),
            "reject_rate": float(y[mask].mean()) if mask.any() else float("nan"),
        }
    figures: dict[str, Any] = {
        "model_version": scored.model_version,
        "rows": len(y),
        "auc": auc(p, y),
        "macro_f1": f1,
        "log_loss": log_loss(p, y),
        "calibration_error": ece,
        "calibration_bins": bins,
        "tiers": tiers,
    }
    if holdout.groups is not None:
        per_group = approval_by_group(scored.tier, holdout.groups)
        rates = [v["approval_rate"] for v in per_group.values() if v["count"] >= MIN_GROUP_ROWS]
        figures["fairness"] = {
            "group_column": holdout.group_column,
            "groups": per_group,
            "approval_rate_gap": float(max(rates) - min(rates)) if len(rates) >= 2 else 0.0,
        }
    return figures


def stability(champion: Scored, challenger: Scored) -> dict[str, float]:
    """How much the served tiers would move if the challenger took over."""
    share = [[float((s.tier == t).mean()) for t in TIER_NAMES] for s in (champion, challenger)]
    return {
        "tier_change_share": float((champion.tier != challenger.tier).mean()),
        "tier_psi": psi_from_shares(share[0], share[1]),
    }


def compare(champion: Scored, challenger: Scored, holdout: Holdout) -> dict[str, Any]:
    return {
        "label_kind": holdout.label_kind,
        "holdout_rows": len(holdout.labels),
        "champion": model_figures(champion, holdout),
        "challenger": model_figures(challenger, holdout),
        "stability": stability(champion, challenger),
    }
