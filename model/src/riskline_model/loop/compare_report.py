"""The champion-vs-challenger report: one HTML file, the verdict first, plots side by side."""

import html
from pathlib import Path
from typing import Any

import numpy as np

from ..plots import reliability_lines, roc_curve
from .compare import TIER_NAMES
from .gate import Verdict
from .score import Scored
from .svg import CHALLENGER, CHAMPION, PAGE, svg


def _plots(comparison: dict[str, Any], champion: Scored, challenger: Scored, y: np.ndarray) -> list[str]:
    named = (("champion", champion, CHAMPION), ("challenger", challenger, CHALLENGER))

    def roc(ax: Any) -> None:
        for name, scored, colour in named:
            fpr, tpr = roc_curve(scored.probability, y)
            ax.plot(fpr, tpr, color=colour, label=f"{name} (AUC {comparison[name]['auc']:.3f})")
        ax.plot([0, 1], [0, 1], ":", color="grey")
        ax.set(xlabel="false positive rate", ylabel="true positive rate (rejects)", title="ROC on the holdout")
        ax.legend(loc="lower right")

    def calibration(ax: Any) -> None:
        reliability_lines(
            ax,
            [(n, comparison[n]["calibration_bins"], comparison[n]["calibration_error"], c) for n, _, c in named],
            xlabel="mean predicted reject probability",
            ylabel="observed reject rate",
            title="Calibration",
        )

    def tiers(ax: Any) -> None:
        x = np.arange(len(TIER_NAMES))
        for offset, (name, _, colour) in zip((-0.2, 0.2), named, strict=True):
            t = comparison[name]["tiers"]
            ax.bar(x + offset, [t[k]["share"] for k in TIER_NAMES], width=0.4, color=colour, label=name)
            for xi, k in zip(x, TIER_NAMES, strict=True):
                rate = t[k]["reject_rate"]
                if not np.isnan(rate):
                    ax.annotate(f"{rate:.0%}", (xi + offset, t[k]["share"]), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, TIER_NAMES)
        ax.set(ylabel="share of holdout (label: observed reject rate)", title="Tier mix")
        ax.legend()

    return [svg(roc), svg(calibration), svg(tiers)]


def _transitions(champion: Scored, challenger: Scored) -> str:
    head = "".join(f"<th>challenger {t}</th>" for t in TIER_NAMES)
    rows = []
    for a in TIER_NAMES:
        cells = "".join(f"<td>{int(np.sum((champion.tier == a) & (challenger.tier == b)))}</td>" for b in TIER_NAMES)
        rows.append(f"<tr><td>champion {a}</td>{cells}</tr>")
    return f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table>"


def _checks(verdict: Verdict) -> str:
    rows = []
    for c in verdict.checks:
        champion = "—" if c.champion is None else f"{c.champion:.4f}"
        rows.append(
            f"<tr class={'pass' if c.passed else 'fail'}><td>{html.escape(c.name)}</td><td>{champion}</td>"
            f"<td>{c.challenger:.4f}</td><td>{html.escape(c.rule)}</td><td>{'pass' if c.passed else 'FAIL'}</td></tr>"
        )
    return (
        "<table><tr><th>check</th><th>champion</th><th>challenger</th><th>rule</th><th></th></tr>"
        + "".join(rows)
        + "</table>"
    )


def write_report(
    path: Path,
    comparison: dict[str, Any],
    verdict: Verdict,
    champion: Scored,
    challenger: Scored,
    y: np.ndarray,
    trainset: dict[str, Any] | None = None,
) -> Path:
    failed = f" — failed: {', '.join(verdict.failed)}" if verdict.failed else ""
    parts = [
        "<h1>Champion vs challenger</h1>",
        f"<p class=verdict>{verdict.decision.upper()}{html.escape(failed)}</p>",
        f"<p>champion <code>{html.escape(verdict.champion_version)}</code>, challenger"
        f" <code>{html.escape(verdict.challenger_version)}</code>, on the newest {comparison['holdout_rows']}"
        f" audited applications ({comparison['label_kind']} labels).</p>",
        "<h2>Gate</h2>",
        _checks(verdict),
        "<h2>Side by side</h2>",
        "<div class=plots>" + "".join(_plots(comparison, champion, challenger, y)) + "</div>",
        "<h2>Tier moves (holdout rows)</h2>",
        _transitions(champion, challenger),
    ]
    fairness = comparison["champion"].get("fairness")
    if fairness:
        head = "<tr><th>group</th><th>rows</th><th>champion approval</th><th>challenger approval</th></tr>"
        body = "".join(
            f"<tr><td>{html.escape(g)}</td><td>{v['count']}</td><td>{v['approval_rate']:.1%}</td>"
            f"<td>{comparison['challenger']['fairness']['groups'][g]['approval_rate']:.1%}</td></tr>"
            for g, v in fairness["groups"].items()
        )
        parts += [f"<h2>Approval rate by {html.escape(fairness['group_column'])}</h2>", f"<table>{head}{body}</table>"]
    if trainset:
        parts += ["<h2>Training set</h2>", "<pre>" + html.escape("\n".join(trainset.get("lines", []))) + "</pre>"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title="riskline: champion vs challenger", body="\n".join(parts)))
    return path
