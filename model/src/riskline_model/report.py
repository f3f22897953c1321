"""The human-readable evaluation report: one self-contained HTML file with embedded plots.

The model stands beside the two baselines fitted in the same run (per-class precision/recall/F1,
macro-F1, accuracy, one-vs-rest AUCs, per-tier calibration, confusion matrices as pictures), and the
report says in words when the model does not beat them or when a tier is empty.
"""

import base64
import html
import io
from pathlib import Path
from typing import Any

import numpy as np

from .grades import TIER_NAMES
from .plots import reliability_lines, roc_curve

BASELINE_TITLES = {"logistic_regression": "logistic regression", "xgboost_plain": "plain XGBoost"}
TIER_COLOURS = ["#4caf50", "#ffb300", "#e53935"]


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _confusion_png(plt: Any, confusion: list[list[int]], labels: list[str], title: str) -> str:
    matrix = np.array(confusion, dtype=np.float64)
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(
                j,
                i,
                f"{int(matrix[i, j])}\n{shares[i, j]:.0%}",
                ha="center",
                va="center",
                color="white" if shares[i, j] > 0.6 else "black",
                fontsize=8,
            )
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="served", ylabel="auditors", title=title)
    out = _png(fig)
    plt.close(fig)
    return out


def _plots(metrics: dict[str, Any], inputs: dict[str, Any]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    if inputs["binary"]:
        p, y, true_p = inputs["p"].astype(np.float64), inputs["y"].astype(np.float64), inputs["true_p"]
        fig, ax = plt.subplots(figsize=(4.5, 4))
        fpr, tpr = roc_curve(p, y)
        ax.plot(fpr, tpr, label=f"model (AUC {metrics['auc']:.3f})")
        if true_p is not None:
            fpr_b, tpr_b = roc_curve(true_p, y)
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
        ax.bar(names, [tiers[t]["share"] for t in names], color=TIER_COLOURS, label="share")
        ax2 = ax.twinx()
        ax2.plot(names, [tiers[t]["reject_rate"] for t in names], "ko-", label="observed reject rate")
        ax.set(ylabel="share of applications", title="Tier mix")
        ax2.set(ylabel="observed reject rate", ylim=(0, 1))
        out["tiers"] = _png(fig)
        plt.close(fig)
        labels = ["accept", "reject"]
        blocks = {"model": metrics["classification"]} | {
            n: b["classification"] for n, b in metrics["baselines"].items()
        }
    else:
        fig, ax = plt.subplots(figsize=(4.5, 4))
        model = metrics["model"]
        reliability_lines(
            ax,
            [(n, model["reliability"][n], model["ece"][n], c) for c, n in zip(TIER_COLOURS, TIER_NAMES, strict=True)],
            xlabel="mean predicted probability",
            ylabel="observed share",
            title="Per-tier reliability",
        )
        out["reliability"] = _png(fig)
        plt.close(fig)

        fig, ax = plt.subplots(figsize=(4.5, 4))
        observed = [metrics["observed_tier_shares"][t] for t in TIER_NAMES]
        served = [metrics["served_counts"][t] / max(metrics["rows"], 1) for t in TIER_NAMES]
        xs = np.arange(3)
        ax.bar(xs - 0.2, observed, 0.4, label="auditors", color="#9e9e9e")
        ax.bar(xs + 0.2, served, 0.4, label="served", color=TIER_COLOURS)
        ax.set_xticks(xs, list(TIER_NAMES))
        ax.set(ylabel="share of applications", title="Tier mix")
        ax.legend()
        out["tiers"] = _png(fig)
        plt.close(fig)
        labels = list(TIER_NAMES)
        blocks = {"model": metrics["model"]} | dict(metrics["baselines"])

    for name, block in blocks.items():
        title = "model" if name == "model" else BASELINE_TITLES[name]
        out[f"confusion_{name}"] = _confusion_png(plt, block["confusion"], labels, f"Confusion: {title}")

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


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _classification_section(blocks: dict[str, dict[str, Any]], classes: list[str], extra: list[str]) -> str:
    """Side-by-side figures per model: headline metrics, then per-class precision/recall/F1/AUC/ECE."""
    names = list(blocks)
    titles = ["model" if n == "model" else BASELINE_TITLES.get(n, n) for n in names]
    rows = [[key, *[blocks[n].get(key, "n/a") for n in names]] for key in ["macro_f1", "accuracy", "log_loss", *extra]]
    out = "<h3>Headline</h3>" + _table(["metric", *titles], rows)
    per_class = []
    for c in classes:
        for key in ("precision", "recall", "f1"):
            per_class.append([f"{c} {key}", *[blocks[n]["per_class"][c][key] for n in names]])
        per_class.append([f"{c} AUC (one vs rest)", *[blocks[n]["auc_ovr"][c] for n in names]])
        per_class.append([f"{c} ECE", *[blocks[n]["ece"][c] for n in names]])
        per_class.append(
            [
                f"{c} served / support",
                *[f"{blocks[n]['per_class'][c]['served']} / {blocks[n]['per_class'][c]['support']}" for n in names],
            ]
        )
    return out + "<h3>Per class</h3>" + _table(["metric", *titles], per_class)


def write_report(path: Path, metrics: dict[str, Any], metadata: dict[str, Any], inputs: dict[str, Any]) -> None:
    plots = _plots(metrics, inputs)
    warnings = []
    if metrics["empty_tiers"]:
        warnings.append(
            f"EMPTY TIER: no test application is served in tier {', '.join(metrics['empty_tiers'])}. "
            "The tiers do not do their job; the training run fails unless the operator allowed it."
        )
    if not metrics["comparison"]["beats_all"]:
        warnings.append(metrics["comparison"]["verdict"])
    banner = "".join(f'<p class="warn">{html.escape(w)}</p>' for w in warnings) or (
        f"<p>{html.escape(metrics['comparison']['verdict'])}</p>"
    )
    common = [
        ("model version", metrics["model_version"]),
        ("test rows", metrics["rows"]),
        ("training data SHA-256", metadata["training_data_sha256"]),
        ("trees (best iteration)", metadata["best_iteration"]),
    ]
    if inputs["binary"]:
        headline = [
            *common,
            ("auditor reject rate", metrics["auditor_reject_rate"]),
            ("AUC", metrics["auc"]),
            ("Bayes-optimal AUC (same labels)", metrics.get("bayes_auc", "n/a")),
            ("Bayes-optimal expected AUC", metrics.get("bayes_expected_auc", "n/a")),
            ("log loss", metrics["log_loss"]),
            ("Bayes-optimal log loss", metrics.get("bayes_log_loss", "n/a")),
            ("calibration error (ECE, 10 bins)", metrics["calibration_error"]),
            ("Brier score", metrics["brier"]),
            ("tier reject rates rise low → high", metrics["tier_reject_rates_rise"]),
        ]
        intro = "Held-out test set: the model predicts the probability that an auditor rejects the application."
        tier_rows = "".join(
            f"<tr><th>{t}</th><td>{_fmt(v['share'])}</td><td>{v['count']}</td><td>{_fmt(v['reject_rate'])}</td>"
            f"<td>{v['accepted_by_auditor']}</td><td>{v['rejected_by_auditor']}</td></tr>"
            for t, v in metrics["tiers"].items()
        )
        tiers = (
            "<h2>Tiers (confusion against the auditors' decisions)</h2><table><tr><th>tier</th><th>share</th>"
            "<th>rows</th><th>observed reject rate</th><th>auditor accepted</th><th>auditor rejected</th></tr>"
            f"{tier_rows}</table>"
        )
        rows = [
            [key, metrics[key], *[metrics["baselines"][n][key] for n in BASELINE_TITLES]]
            for key in ("auc", "log_loss", "calibration_error", "brier")
        ]
        comparison = "<h2>Beside the baselines (same split)</h2>" + _table(
            ["metric", "model", *BASELINE_TITLES.values()], rows
        )
        blocks = {"model": metrics["classification"]} | {
            n: metrics["baselines"][n]["classification"] for n in BASELINE_TITLES
        }
        comparison += "<p>Accept/reject at probability 0.5:</p>" + _classification_section(
            blocks, ["accept", "reject"], []
        )
    else:
        headline = [
            *common,
            (
                "tier model",
                f"{metrics['tier_model']} (candidates: "
                + ", ".join(
                    f"{k} validation log loss {v['validation_log_loss']:.4f}"
                    for k, v in metrics["tier_model_candidates"].items()
                )
                + ")",
            ),
            (
                "policy",
                metrics["policy"]["rule"]
                + (
                    f", fitted alpha {metrics['policy']['fitted_alpha']}"
                    if metrics["policy"].get("fitted_alpha") is not None
                    else ""
                ),
            ),
            ("macro-F1", metrics["macro_f1"]),
            ("Bayes-optimal macro-F1 (true probabilities, same policy)", metrics.get("bayes_macro_f1", "n/a")),
            ("accuracy", metrics["accuracy"]),
            ("AUC(high), one vs rest", metrics["auc_high"]),
            ("Bayes-optimal AUC(high)", metrics.get("bayes_auc_high", "n/a")),
            ("log loss", metrics["log_loss"]),
            ("Bayes-optimal log loss", metrics.get("bayes_log_loss", "n/a")),
            ("largest per-tier ECE", metrics["max_tier_ece"]),
        ]
        intro = (
            "Held-out test set: the model gives each application's probability of every tier; the policy serves one."
        )
        mix = [[t, metrics["observed_tier_shares"][t], metrics["served_counts"][t]] for t in TIER_NAMES]
        tiers = "<h2>Tiers</h2>" + _table(["tier", "auditors' share", "served (rows)"], mix)
        blocks = {"model": metrics["model"]} | dict(metrics["baselines"])
        if "bayes" in metrics:
            blocks["Bayes-optimal"] = metrics["bayes"]
        comparison = "<h2>Beside the baselines (same split, same policy rule)</h2>" + _classification_section(
            blocks, list(TIER_NAMES), ["macro_f1_argmax"]
        )
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in headline)
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
th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left}}img{{margin:4px;border:1px solid #eee}}
.warn{{background:#fdecea;border:1px solid #e53935;padding:8px;font-weight:bold}}</style></head>
<body><h1>riskline model report</h1>
{banner}
<p>{html.escape(intro)}</p>
<table>{rows}</table>
{tiers}
{comparison}
{fairness}
<h2>Plots</h2>{img}
</body></html>
"""
    )
