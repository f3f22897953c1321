"""Distribution statistics for the gate (tier PSI) and the training baseline (bins, percentiles), numpy only.

The drift monitor compares with the baseline in plain Python (`riskline_monitor.drift`, same bin
convention); a test checks the two agree on the same rows.
"""

from collections.abc import Sequence

import numpy as np

EPSILON = 1e-4  # floor for an empty bin's share, so PSI stays finite


def psi_from_shares(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index: sum over bins of (a - e) * ln(a / e)."""
    e = np.clip(np.asarray(expected, dtype=np.float64), EPSILON, None)
    a = np.clip(np.asarray(actual, dtype=np.float64), EPSILON, None)
    return float(np.sum((a - e) * np.log(a / e)))


def bin_shares(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """Share of `values` in each bin: (-inf, e1), [e1, e2), …, [ek, inf); NaN values are left out."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return np.zeros(len(edges) + 1)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), v, side="right")
    return np.bincount(idx, minlength=len(edges) + 1) / v.size


def cdf_points(values: np.ndarray, levels: int = 101) -> tuple[list[float], list[float]]:
    """The sample's distinct quantiles at `levels` even levels, and its exact CDF at each."""
    v = np.sort(values[~np.isnan(values)])
    if v.size == 0:
        return [], []
    points = np.unique(np.quantile(v, np.linspace(0.0, 1.0, levels)))
    cdf = np.searchsorted(v, points, side="right") / v.size
    return points.tolist(), cdf.tolist()
