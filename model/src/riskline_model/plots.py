"""Plot pieces the training report and the loop's comparison report draw alike."""

from collections.abc import Iterable
from typing import Any

import numpy as np


def roc_curve(score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(false positive rate, true positive rate) at every cut, highest score first."""
    order = np.argsort(-score, kind="stable")
    ys = y[order]
    tpr = np.concatenate([[0.0], np.cumsum(ys) / max(ys.sum(), 1)])
    fpr = np.concatenate([[0.0], np.cumsum(1 - ys) / max((1 - ys).sum(), 1)])
    return fpr, tpr


def reliability_lines(ax: Any, series: Iterable[tuple[str, list[dict[str, float]], float, str]], **labels: str) -> None:
    """One predicted-vs-observed line per (name, bins, ECE, colour), the diagonal, and the axis labels."""
    for name, bins, ece, colour in series:
        ax.plot(
            [b["predicted"] for b in bins],
            [b["observed"] for b in bins],
            "o-",
            color=colour,
            label=f"{name} (ECE {ece:.3f})",
        )
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set(**labels)
    ax.legend(loc="upper left")
