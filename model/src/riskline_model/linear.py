"""Multinomial logistic regression as plain arrays: the baseline, and the linear start of a tier model.

Standardised features (NaN read as the training mean), an L2 penalty of 1/2 |W|^2 on the weights
(not the intercepts; scikit-learn's default C=1), fitted by scipy's L-BFGS at training time only;
applying it is one matrix product in numpy, so serving pays next to nothing for it.

A graded tier model boosts from these margins (XGBoost's `base_margin`): the trees learn what the
linear scores miss. On the real Lending Club sample the grade is close to linear in the facts, and
trees alone ranked tier high no better than the logistic regression; boosting from it does.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LinearMargins:
    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    weights: np.ndarray  # (features, groups), on standardised features
    intercept: np.ndarray  # (groups,)

    def standardise(self, x: np.ndarray) -> np.ndarray:
        x = np.where(np.isnan(x), self.mean, x)
        return (x - self.mean) / self.scale

    def margins(self, x: np.ndarray) -> np.ndarray:
        """(rows, groups) linear scores."""
        return self.standardise(x) @ self.weights + self.intercept

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """(rows, features, groups): each feature's exact share of each linear score."""
        return self.standardise(x)[:, :, None] * self.weights[None, :, :]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self.margins(x)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def binary_head(self, positive: int = 1, negative: int = 0) -> "LinearMargins":
        """The one-group logit log p(positive) - log p(negative) of a fitted two-class model."""
        w = (self.weights[:, positive] - self.weights[:, negative])[:, None]
        b = np.array([self.intercept[positive] - self.intercept[negative]])
        return LinearMargins(self.mean, self.scale, w, b)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k).tolist() for k in ("mean", "scale", "weights", "intercept")}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> "LinearMargins":
        return cls(*(np.asarray(doc[k], dtype=np.float64) for k in ("mean", "scale", "weights", "intercept")))


def fit_logistic(x_train: np.ndarray, y_train: np.ndarray, n_classes: int) -> LinearMargins:
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    mean = np.nanmean(x_train, axis=0)
    scale = np.nanstd(x_train, axis=0)
    scale[~(scale > 0)] = 1.0
    probe = LinearMargins(mean, scale, np.zeros((x_train.shape[1], n_classes)), np.zeros(n_classes))
    x = np.hstack([probe.standardise(x_train), np.ones((len(x_train), 1))])
    onehot = np.eye(n_classes)[y_train.astype(np.int64)]
    shape = (x.shape[1], n_classes)

    def loss(w_flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = w_flat.reshape(shape)
        logp = log_softmax(x @ w, axis=1)
        penalty = w[:-1]  # the intercepts are not penalised
        value = -np.sum(onehot * logp) + 0.5 * np.sum(penalty**2)
        grad = x.T @ (np.exp(logp) - onehot)
        grad[:-1] += penalty
        return float(value), grad.ravel()

    w = minimize(loss, np.zeros(shape).ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 2_000}).x
    w = w.reshape(shape)
    return LinearMargins(mean, scale, w[:-1], w[-1])
