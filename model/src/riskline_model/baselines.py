"""The two baselines every training run fits on the same split as the model, to keep it honest.

logistic_regression  standardised features, multinomial logistic regression with an L2 penalty of
                     1/2 |W|^2 (scikit-learn's default C=1), fitted by scipy's L-BFGS (linear.py)
xgboost_plain        XGBoost with its library defaults (depth 6, eta 0.3, 100 rounds, no early stopping)

Both see the model's own feature matrix (the fitted spec), so the comparison is about the learner.
The logistic regression is a few lines over scipy (already in xgboost's closure) rather than
scikit-learn: with scikit-learn installed, `import xgboost` imports it and pandas too, which every
serving worker would pay at start-up.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from .linear import fit_logistic

PLAIN_XGBOOST_ROUNDS = 100  # xgboost.XGBClassifier's default n_estimators


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, n_classes: int) -> Callable[[np.ndarray], np.ndarray]:
    """Fit; return a function giving (rows, n_classes) probabilities."""
    return fit_logistic(x_train, y_train, n_classes).probabilities


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
