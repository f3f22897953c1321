"""The human-readable evaluation report: one self-contained HTML file with embedded plots."""

import base64
import html
import io
from pathlib import Path
from typing import Any

import numpy as np


def _roc(score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-score, kind="stable")
    ys = y[order]
    tpr = np.concatenate([[0.0], np.cumsum(ys) / max(ys.sum(), 1)])
    fpr = np.concatenate([[0.0], np.cumsum(1 - ys) / max((1 - ys).sum(), 1)])
    return fpr, tpr


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _plots(metrics: dict[str, Any], p: np.ndarray, y: np.ndarray, true_p: np.ndarray | None) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    fig, ax = plt.subplots(figsize=(4.5, 4))
    fpr, tpr = _roc(p, y)
    ax.plot(fpr, tpr, label=f"model (AUC {metrics['auc']:.3f})")
    if true_p is not None:
        fpr_b, tpr_b = _roc(true_p, y)
        ax.plot(fpr_b, tpr_b, "--", label=f"Bayes-optimal (AUC {metrics['bayes_auc']:.3f})")
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate (rejects)", title="ROC")
    ax.legend(loc="lower right")
    out["roc"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.5, 4))
    bins = metrics["calibration_bins"]
    ax.plot([b["predicted"] for b in bins], [b["observed"] for b in bins], "o-", label="model")
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfect")
    ax.set(xlabel="mean predicted reject probability", ylabel="observed reject rate", title="Calibration")
    ax.legend(loc="upper left")
    out["calibration"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.5, 4))
    tiers = metrics["tiers"]
    names = list(tiers)
    ax.bar(names, [tiers[t]["share"] for t in names], color=["#4caf50", "#ffb300", "#e53935"], label="share")
    ax2 = ax.twinx()
    ax2.plot(names, [tiers[t]["reject_rate"] for t in names], "ko-", label="observed reject rate")
    ax.set(ylabel="share of applications", title="Tier mix")
    ax2.set(ylabel="observed reject rate", ylim=(0, 1))
    out["tiers"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    imp = list(metrics["feature_importance"].items())[:15][::-1]
    ax.barh([k for k, _ in imp], [v for _, v in imp])
    ax.set(xlabel="share of total gain", title="Feature importance")
    out["importance"] = _png(fig)
    plt.close(fig)
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return html.escape(str(value))


def write_report(
    path: Path,
    metrics: dict[str, Any],
    metadata: dict[str, Any],
    p: np.ndarray,
    y: np.ndarray,
    true_p: np.ndarray | None,
) -> None:
    plots = _plots(metrics, p.astype(np.float64), y.astype(np.float64), true_p)
    headline = [
        ("model version", metrics["model_version"]),
        ("test rows", metrics["rows"]),
        ("auditor reject rate", metrics["auditor_reject_rate"]),
        ("AUC", metrics["auc"]),
        ("Bayes-optimal AUC (same labels)", metrics.get("bayes_auc", "n/a")),
        ("Bayes-optimal expected AUC", metrics.get("bayes_expected_auc", "n/a")),
        ("log loss", metrics["log_loss"]),
        ("Bayes-optimal log loss", metrics.get("bayes_log_loss", "n/a")),
        ("calibration error (ECE, 10 bins)", metrics["calibration_error"]),
        ("Brier score", metrics["brier"]),
        ("tier reject rates rise low → high", metrics["tier_reject_rates_rise"]),
        ("training data SHA-256", metadata["training_data_sha256"]),
        ("trees (best iteration)", metadata["best_iteration"]),
    ]
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in headline)
    tier_rows = "".join(
        f"<tr><th>{t}</th><td>{_fmt(v['share'])}</td><td>{v['count']}</td><td>{_fmt(v['reject_rate'])}</td>"
        f"<td>{v['accepted_by_auditor']}</td><td>{v['rejected_by_auditor']}</td></tr>"
        for t, v in metrics["tiers"].items()
    )
    fairness = ""
    if "fairness" in metrics:
        f = metrics["fairness"]
        group_rows = "".join(
            f"<tr><th>{html.escape(g)}</th><td>{v['count']}</td><td>{_fmt(v['auditor_reject_rate'])}</td>"
            f"<td>{_fmt(v['approval_rate'])}</td><td>{_fmt(v['true_positive_rate'])}</td>"
            f"<td>{_fmt(v['false_positive_rate'])}</td></tr>"
            for g, v in f["groups"].items()
        )
        fairness = (
            "<h2>Fairness across the protected attribute</h2><p>The attribute is synthetic and never a model "
            "feature. Approval = tier low (auto-accept); true-positive rate = auditor rejects placed in tier high."
            "</p><table><tr><th>group</th><th>rows</th><th>auditor reject rate</th><th>approval rate</th>"
            f"<th>TPR</th><th>FPR</th></tr>{group_rows}</table>"
            f"<p>approval-rate gap {_fmt(f['approval_rate_gap'])}, true-positive-rate gap "
            f"{_fmt(f['true_positive_rate_gap'])}, false-positive-rate gap {_fmt(f['false_positive_rate_gap'])}</p>"
        )
    img = "".join(f'<img alt="{k}" src="data:image/png;base64,{v}">' for k, v in plots.items())
    path.write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskline model report {html.escape(metrics["model_version"])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse;margin:1em 0}}
th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left}}img{{margin:4px;border:1px solid #eee}}</style></head>
<body><h1>riskline model report</h1>
<p>Held-out test set: the model predicts the probability that an auditor rejects the application.</p>
<table>{rows}</table>
<h2>Tiers (confusion against the auditors' decisions)</h2>
<table><tr><th>tier</th><th>share</th><th>rows</th><th>observed reject rate</th><th>auditor accepted</th>
<th>auditor rejected</th></tr>{tier_rows}</table>
{fairness}
<h2>Plots</h2>{img}
</body></html>
"""
    )
