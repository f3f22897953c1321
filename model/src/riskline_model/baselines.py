"""The two baselines every training run fits on the same split as the model, to keep it honest.

logistic_regression  standardised features, multinomial logistic regression with an L2 penalty of
                     1/2 |W|^2 (scikit-learn's default C=1), fitted by scipy's L-BFGS
xgboost_plain        XGBoost with its library defaults (depth 6, eta 0.3, 100 rounds, no early stopping)

Both see the model's own feature matrix (the fitted spec), so the comparison is about the learner.
The logistic regression is a few lines over scipy (already in xgboost's closure) rather than
scikit-learn: with scikit-learn installed, `import xgboost` imports it and pandas too, which every
serving worker would pay at start-up.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

PLAIN_XGBOOST_ROUNDS = 100  # xgboost.XGBClassifier's default n_estimators


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, n_classes: int) -> Callable[[np.ndarray], np.ndarray]:
    """Fit; return a function giving (rows, n_classes) probabilities."""
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    mean, scale = x_train.mean(axis=0), x_train.std(axis=0)
    scale[scale == 0] = 1.0
    x = np.hstack([(x_train - mean) / scale, np.ones((len(x_train), 1))])
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

    def predict(x_new: np.ndarray) -> np.ndarray:
        z = np.hstack([(x_new - mean) / scale, np.ones((len(x_new), 1))]) @ w
        return np.exp(log_softmax(z, axis=1))

    return predict


def xgboost_plain(x_train: np.ndarray, y_train: np.ndarray, n_classes: int, seed: int, nthread: int) -> Any:
    import xgboost as xgb

    params: dict[str, Any] = {"tree_method": "hist", "seed": seed}
    if n_classes > 2:
        params.update(objective="multi:softprob", num_class=n_classes)
    else:
        params.update(objective="binary:logistic")
    if nthread:
        params["nthread"] = nthread
    return xgb.train(params, xgb.DMatrix(x_train, label=y_train), num_boost_round=PLAIN_XGBOOST_ROUNDS)


def fit_baselines(
    x_train: np.ndarray, y_train: np.ndarray, n_classes: int, seed: int, nthread: int = 0
) -> dict[str, Any]:
    """name -> predict function giving (rows, n_classes) class probabilities."""
    lr = logistic_regression(x_train, y_train, n_classes)
    booster = xgboost_plain(x_train, y_train, n_classes, seed, nthread)

    def xgb_proba(x: np.ndarray) -> np.ndarray:
        p = booster.inplace_predict(x)
        return p if p.ndim == 2 else np.stack([1.0 - p, p], axis=1)

    return {"logistic_regression": lr, "xgboost_plain": xgb_proba}
