"""Evaluation on held-out data: discrimination, calibration, tiers and fairness, as plain numbers."""

import itertools
from typing import Any

import numpy as np

from .tiers import TIERS, Thresholds


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    y = y.astype(bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), dtype=np.float64)
    sorted_scores = score[order]
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def expected_auc(p: np.ndarray) -> float:
    """AUC of scoring by `p` itself, averaged over labels drawn from `p` (no labels needed).

    Over pairs (i, j), i rejected and j accepted with probability p_i (1 - p_j); the pair is ranked
    right when p_i > p_j (half when equal). This is the best AUC any model can expect on this sample.
    """
    order = np.argsort(p, kind="mergesort")
    ps = p[order].astype(np.float64)
    q = 1.0 - ps
    _, first, counts = np.unique(ps, return_index=True, return_counts=True)
    cum_q = np.concatenate([[0.0], np.cumsum(q)])
    below = np.repeat(cum_q[first], counts)  # sum of (1 - p_j) over strictly smaller p_j
    tie_q = np.repeat(cum_q[first + counts] - cum_q[first], counts) - q  # equal p_j, j != i
    right = float(np.sum(ps * (below + 0.5 * tie_q)))
    total = float(ps.sum() * q.sum() - np.sum(ps * q))
    return right / total


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error over equal-mass bins, and the bins (mean predicted vs observed)."""
    order = np.argsort(p, kind="stable")
    table = []
    ece = 0.0
    for chunk in np.array_split(order, bins):
        if chunk.size == 0:
            continue
        predicted, observed = float(p[chunk].mean()), float(y[chunk].mean())
        ece += chunk.size / len(p) * abs(predicted - observed)
        table.append({"predicted": predicted, "observed": observed, "count": int(chunk.size)})
    return float(ece), table


def tier_table(p: np.ndarray, y: np.ndarray, thresholds: Thresholds) -> dict[str, dict[str, float]]:
    """Per tier: share of applications, count, and the observed auditor reject rate."""
    idx = thresholds.tier_index(p)
    out = {}
    for i, tier in enumerate(TIERS):
        mask = idx == i
        out[tier.value] = {
            "share": float(mask.mean()),
            "count": int(mask.sum()),
            "reject_rate": float(y[mask].mean()) if mask.any() else float("nan"),
            "accepted_by_auditor": int((mask & (y == 0)).sum()),
            "rejected_by_auditor": int((mask & (y == 1)).sum()),
        }
    return out


def fairness(idx: np.ndarray, y: np.ndarray, group: np.ndarray) -> dict[str, Any]:
    """Approval rate (tier served low: auto-accept) and true-positive rate (rejects served high) by group.

    `idx` is the tier served per row (0 low, 1 medium, 2 high), `y` 1 where the auditor rejected (or graded high).
    """
    per_group: dict[str, dict[str, float]] = {}
    for g in sorted(set(group.tolist())):
        m = group == g
        rejects = m & (y == 1)
        accepts = m & (y == 0)
        per_group[str(g)] = {
            "count": int(m.sum()),
            "auditor_reject_rate": float(y[m].mean()),
            "approval_rate": float((idx[m] == 0).mean()),
            "true_positive_rate": float((idx[rejects] == 2).mean()) if rejects.any() else float("nan"),
            "false_positive_rate": float((idx[accepts] == 2).mean()) if accepts.any() else float("nan"),
        }

    def gap(key: str) -> float:
        values = [v[key] for v in per_group.values()]
        return float(max(values) - min(values))

    return {
        "groups": per_group,
        "approval_rate_gap": gap("approval_rate"),
        "true_positive_rate_gap": gap("true_positive_rate"),
        "false_positive_rate_gap": gap("false_positive_rate"),
    }


def evaluate(
    p: np.ndarray,
    y: np.ndarray,
    thresholds: Thresholds,
    true_probability: np.ndarray | None = None,
    protected_group: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every figure of metrics.json for predictions `p` on held-out labels `y` (1 = rejected)."""
    p = p.astype(np.float64)
    y = y.astype(np.int64)
    ece, bins = calibration(p, y)
    metrics: dict[str, Any] = {
        "rows": len(y),
        "auditor_reject_rate": float(y.mean()),
        "auc": auc(p, y),
        "log_loss": log_loss(p, y),
        "brier": float(np.mean((p - y) ** 2)),
        "calibration_error": ece,
        "calibration_bins": bins,
        "tiers": tier_table(p, y, thresholds),
    }
    rates = [metrics["tiers"][t.value]["reject_rate"] for t in TIERS]
    metrics["tier_reject_rates_rise"] = bool(all(a < b for a, b in itertools.pairwise(rates)))
    if true_probability is not None:
        metrics["bayes_auc"] = auc(true_probability, y)  # the true probabilities as a score, same labels
        metrics["bayes_expected_auc"] = expected_auc(true_probability)
        metrics["bayes_log_loss"] = log_loss(true_probability, y)
        metrics["auc_ratio_to_bayes"] = metrics["auc"] / metrics["bayes_auc"]
    if protected_group is not None:
        metrics["fairness"] = fairness(thresholds.tier_index(p), y, protected_group)
    return metrics


def multiclass_log_loss(proba: np.ndarray, y: np.ndarray) -> float:
    picked = np.clip(proba[np.arange(len(y)), y].astype(np.float64), 1e-7, 1.0)
    return float(-np.mean(np.log(picked)))


def classification(proba: np.ndarray, y: np.ndarray, served: np.ndarray, names: list[str]) -> dict[str, Any]:
    """Per-class precision/recall/F1, macro-F1, accuracy, one-vs-rest AUCs, log loss, per-class calibration
    (ECE over 10 equal-mass bins, with the bins), confusion matrix (rows = truth, columns = served)."""
    y = y.astype(np.int64)
    served = served.astype(np.int64)
    k = len(names)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (y, served), 1)
    per_class: dict[str, dict[str, float]] = {}
    auc_ovr: dict[str, float] = {}
    ece: dict[str, float] = {}
    reliability: dict[str, list[dict[str, float]]] = {}
    for c, name in enumerate(names):
        tp = confusion[c, c]
        predicted, actual = confusion[:, c].sum(), confusion[c, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {
            "precision": float(precision),
            "recall": float(recall),
            "f1": float(f1),
            "support": int(actual),
            "served": int(predicted),
        }
        auc_ovr[name] = auc(proba[:, c], y == c)
        ece[name], reliability[name] = calibration(proba[:, c].astype(np.float64), (y == c).astype(np.float64))
    return {
        "rows": len(y),
        "accuracy": float(np.trace(confusion) / max(len(y), 1)),
        "macro_f1": float(np.mean([v["f1"] for v in per_class.values()])),
        "per_class": per_class,
        "auc_ovr": auc_ovr,
        "log_loss": multiclass_log_loss(proba, y),
        "ece": ece,
        "max_ece": float(max(ece.values())),
        "reliability": reliability,
        "confusion": confusion.tolist(),
        "served_counts": {name: int(confusion[:, c].sum()) for c, name in enumerate(names)},
    }
