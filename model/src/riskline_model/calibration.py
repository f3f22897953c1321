"""Per-tier probability calibration fitted on validation data, cheap to apply at serving.

softmax: vector scaling of the multi-class margins, softmax(margin / T + b) with b_low = 0
         (three numbers; T = 1, b = 0 is the booster's own answer).
ordinal: Platt scaling of each cumulative head, sigmoid(a * margin + c), then the tier
         probabilities as differences (P(high) is capped at P(>= medium)).
"""

import numpy as np

# Serving applies calibrations with numpy alone; scipy is imported only to fit them (training).


def _expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def softmax_probabilities(margins: np.ndarray, temperature: float = 1.0, bias: np.ndarray | None = None) -> np.ndarray:
    z = margins.astype(np.float64) / temperature
    if bias is not None:
        z = z + bias
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_vector_scaling(margins: np.ndarray, y: np.ndarray) -> dict[str, object]:
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    m = margins.astype(np.float64)

    def nll(theta: np.ndarray) -> float:
        z = m * np.exp(-theta[0]) + np.concatenate([[0.0], theta[1:]])
        return float(-np.mean(log_softmax(z, axis=1)[np.arange(len(y)), y]))

    res = minimize(nll, np.zeros(m.shape[1]), method="L-BFGS-B")
    return {"temperature": float(np.exp(res.x[0])), "bias": [0.0, *map(float, res.x[1:])]}


def ordinal_probabilities(margins: np.ndarray, scale: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """(rows, 2) head margins (>= medium, high) -> (rows, 3) tier probabilities."""
    q = _expit(margins.astype(np.float64) * scale + offset)
    at_least_medium, high = q[:, 0], np.minimum(q[:, 1], q[:, 0])
    return np.stack([1.0 - at_least_medium, at_least_medium - high, high], axis=1)


def fit_platt(margin: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from scipy.optimize import minimize

    m, t = margin.astype(np.float64), y.astype(np.float64)

    def nll(theta: np.ndarray) -> float:
        z = theta[0] * m + theta[1]
        return float(np.mean(np.logaddexp(0.0, z) - t * z))

    res = minimize(nll, np.array([1.0, 0.0]), method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def fit_ordinal(margins: np.ndarray, tier: np.ndarray) -> dict[str, object]:
    heads = [fit_platt(margins[:, 0], tier >= 1), fit_platt(margins[:, 1], tier >= 2)]
    return {"scale": [a for a, _ in heads], "offset": [c for _, c in heads]}
