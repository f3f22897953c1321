"""Fit the model a label kind asks for, the two baselines beside it, and every figure of metrics.json.

fit_binary  accept/reject labels: a reject-probability booster, tier cut-offs from the base rate
fit_graded  graded labels: softmax and ordinal tier models, calibrated, the better one kept, a policy

Both evaluate on the test split the model and the baselines (baselines.py) the same way.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .baselines import fit_baselines
from .calibration import fit_ordinal, fit_vector_scaling
from .data.labeled import LabeledData
from .evaluate import classification, evaluate, multiclass_log_loss
from .features.spec import FeatureSpec
from .grades import TIER_NAMES, GradeVocabulary
from .linear import LinearMargins, fit_logistic
from .policy import TierPolicy, fit_policy
from .tier_model import TierModel
from .tiers import TIERS, choose_thresholds

if TYPE_CHECKING:
    from .train import Hyperparameters

BASELINES = ("logistic_regression", "xgboost_plain")
HEADLINE = (
    "auc",
    "bayes_auc",
    "log_loss",
    "calibration_error",
    "brier",
    "macro_f1",
    "accuracy",
    "auc_high",
    "max_tier_ece",
    "bayes_macro_f1",
)
TIER_MODELS = ("auto", "softmax", "ordinal", "ensemble")


@dataclass
class Fitted:
    tier_model: TierModel
    spec: FeatureSpec
    best_iteration: int
    metrics: dict[str, Any]
    plot_inputs: dict[str, Any] = field(default_factory=dict)


def _train_booster(
    hp: "Hyperparameters", x_tr, y_tr, x_val, y_val, features, num_class: int = 0, base_tr=None, base_val=None
):
    import xgboost as xgb

    dtrain = xgb.DMatrix(x_tr, label=y_tr, feature_names=features, base_margin=base_tr)
    dval = xgb.DMatrix(x_val, label=y_val, feature_names=features, base_margin=base_val)
    booster = xgb.train(
        hp.xgb_params(num_class),
        dtrain,
        num_boost_round=hp.num_round,
        evals=[(dval, "validation")],
        early_stopping_rounds=hp.early_stopping_rounds,
        verbose_eval=False,
    )
    best = booster.best_iteration + 1
    return booster[:best], best, float(booster.best_score)  # keep only the trees early stopping chose


def _empty(served_counts: dict[str, int]) -> list[str]:
    return [name for name in TIER_NAMES if served_counts.get(name, 0) == 0]


# ---- binary ------------------------------------------------------------------------------------


def _binary_block(p_val: np.ndarray, y_val: np.ndarray, p: np.ndarray, y: np.ndarray, hp: "Hyperparameters"):
    """The figures one binary scorer gets: discrimination, calibration, tiers at its own cut-offs."""
    thresholds = choose_thresholds(p_val, y_val, hp.low_odds_ratio, hp.high_odds_ratio)
    figures = evaluate(p, y, thresholds)
    proba = np.stack([1.0 - p, p], axis=1)
    figures["classification"] = classification(proba, y, (p >= 0.5).astype(np.int64), ["accept", "reject"])
    return figures, thresholds


def fit_binary(
    train: LabeledData, val: LabeledData, test: LabeledData, hp: "Hyperparameters", vocabulary: GradeVocabulary
) -> Fitted:
    spec = FeatureSpec.fit(train.columns, train.target)
    x_train, x_val, x_test = (spec.transform(d.columns) for d in (train, val, test))
    booster, best, best_score = _train_booster(hp, x_train, train.target, x_val, val.target, list(spec.features))
    p_val = booster.inplace_predict(x_val)
    thresholds = choose_thresholds(p_val, val.target, hp.low_odds_ratio, hp.high_odds_ratio)
    model = TierModel("binary", [booster], {}, thresholds=thresholds)
    p_test = booster.inplace_predict(x_test)
    metrics = evaluate(p_test, test.target, thresholds, test.true_probability, test.protected_group)
    metrics["validation_log_loss"] = best_score
    proba = np.stack([1.0 - p_test, p_test], axis=1)
    metrics["classification"] = classification(
        proba, test.target, (p_test >= 0.5).astype(np.int64), ["accept", "reject"]
    )
    metrics["label_kind"] = "binary"
    metrics["served_counts"] = {t: metrics["tiers"][t]["count"] for t in TIER_NAMES}
    metrics["empty_tiers"] = _empty(metrics["served_counts"])

    baselines = {}
    for name, predict in fit_baselines(x_train, train.target, 2, hp.seed, hp.nthread).items():
        block, _ = _binary_block(predict(x_val)[:, 1], val.target, predict(x_test)[:, 1], test.target, hp)
        baselines[name] = block
    metrics["baselines"] = baselines
    metrics["comparison"] = _compare(
        {"auc": metrics["auc"], "log_loss": metrics["log_loss"]},
        {n: {"auc": b["auc"], "log_loss": b["log_loss"]} for n, b in baselines.items()},
        higher=("auc",),
        lower=("log_loss",),
    )
    plots = {"binary": True, "p": p_test, "y": test.target, "true_p": test.true_probability}
    return Fitted(model, spec, best, metrics, plots)


# ---- graded ------------------------------------------------------------------------------------


def _linear_start(kind: str, x_train: np.ndarray, tier: np.ndarray) -> LinearMargins:
    """The logistic-regression margins a graded model boosts from: multinomial, or one logit per ordinal head."""
    if kind == "softmax":
        return fit_logistic(x_train, tier, 3)
    heads = [fit_logistic(x_train, (tier >= k).astype(np.int64), 2).binary_head() for k in (1, 2)]
    return LinearMargins(
        heads[0].mean,
        heads[0].scale,
        np.hstack([h.weights for h in heads]),
        np.concatenate([h.intercept for h in heads]),
    )


def _bases(linear: LinearMargins | None, *xs: np.ndarray) -> list[np.ndarray | None]:
    return [None if linear is None else linear.margins(x).astype(np.float32) for x in xs]


def _softmax_candidate(hp, spec, x_train, x_val, train, val):
    linear = _linear_start("softmax", x_train, train.tier) if hp.boost_from_linear else None
    b_tr, b_val = _bases(linear, x_train, x_val)
    booster, best, _ = _train_booster(
        hp, x_train, train.tier, x_val, val.tier, list(spec.features), 3, base_tr=b_tr, base_val=b_val
    )
    model = TierModel("softmax", [booster], {}, policy=TierPolicy("argmax"), linear=linear)
    if hp.calibrate:
        calibration = fit_vector_scaling(model.margins(x_val), val.tier)
        model = TierModel("softmax", [booster], calibration, policy=model.policy, linear=linear)
    return model, best


def _ordinal_candidate(hp, spec, x_train, x_val, train, val):
    linear = _linear_start("ordinal", x_train, train.tier) if hp.boost_from_linear else None
    b_tr, b_val = _bases(linear, x_train, x_val)
    heads, best = [], 0
    for g, k in enumerate((1, 2)):
        booster, b, _ = _train_booster(
            hp,
            x_train,
            train.tier >= k,
            x_val,
            val.tier >= k,
            list(spec.features),
            base_tr=None if b_tr is None else b_tr[:, g],
            base_val=None if b_val is None else b_val[:, g],
        )
        heads.append(booster)
        best = max(best, b)
    model = TierModel("ordinal", heads, {}, policy=TierPolicy("argmax"), linear=linear)
    if hp.calibrate:
        model = TierModel(
            "ordinal", heads, fit_ordinal(model.margins(x_val), val.tier), policy=model.policy, linear=linear
        )
    return model, best


def _ensemble(softmax: TierModel, ordinal: TierModel) -> TierModel:
    """Both formulations, their tier probabilities averaged: neither wins consistently, the mean is steadier."""
    linear = None
    if softmax.linear is not None and ordinal.linear is not None:
        linear = LinearMargins(
            softmax.linear.mean,
            softmax.linear.scale,
            np.hstack([softmax.linear.weights, ordinal.linear.weights]),
            np.concatenate([softmax.linear.intercept, ordinal.linear.intercept]),
        )
    calibration = {**softmax.calibration, **ordinal.calibration}  # disjoint keys (calibration.py)
    boosters = [*softmax.boosters, *ordinal.boosters]
    return TierModel("ensemble", boosters, calibration, policy=TierPolicy("argmax"), linear=linear)


def _tier_block(proba: np.ndarray, y: np.ndarray, policy: TierPolicy) -> dict[str, Any]:
    block = classification(proba, y, policy.serve(proba), list(TIER_NAMES))
    block["macro_f1_argmax"] = classification(proba, y, np.argmax(proba, axis=1), list(TIER_NAMES))["macro_f1"]
    block["auc_high"] = block["auc_ovr"]["high"]
    return block


def fit_graded(
    train: LabeledData, val: LabeledData, test: LabeledData, hp: "Hyperparameters", vocabulary: GradeVocabulary
) -> Fitted:
    assert train.tier is not None and val.tier is not None and test.tier is not None
    if hp.tier_model not in TIER_MODELS:
        raise ValueError(f"tier_model must be one of {', '.join(TIER_MODELS)}, not {hp.tier_model!r}")
    # Categorical codes are ordered by the mean tier (0 low .. 1 high), the ordinal analogue of a reject rate.
    spec = FeatureSpec.fit(train.columns, train.tier.astype(np.float64) / 2.0)
    x_train, x_val, x_test = (spec.transform(d.columns) for d in (train, val, test))
    prior = np.bincount(train.tier, minlength=3) / len(train.tier)

    builders = {"softmax": _softmax_candidate, "ordinal": _ordinal_candidate}
    names = [hp.tier_model] if hp.tier_model in builders else list(builders)
    fitted: dict[str, tuple[TierModel, int]] = {}
    for name in names:
        fitted[name] = builders[name](hp, spec, x_train, x_val, train, val)
    if len(fitted) == 2:
        (soft, b_soft), (ordi, b_ord) = fitted["softmax"], fitted["ordinal"]
        fitted["ensemble"] = (_ensemble(soft, ordi), max(b_soft, b_ord))
    if hp.tier_model == "ensemble":
        fitted = {"ensemble": fitted["ensemble"]}
    candidates: dict[str, dict[str, Any]] = {}
    for name, (model, best) in fitted.items():
        _, p_val = model.probabilities(model.margins(x_val))
        _, p_test = model.probabilities(model.margins(x_test))
        candidates[name] = {
            "validation_log_loss": multiclass_log_loss(p_val, val.tier),
            "test_log_loss": multiclass_log_loss(p_test, test.tier),
            "test_auc_high": classification(p_test, test.tier, np.argmax(p_test, 1), list(TIER_NAMES))["auc_ovr"][
                "high"
            ],
            "best_iteration": best,
        }
    chosen = min(candidates, key=lambda n: candidates[n]["validation_log_loss"])
    if "ensemble" in candidates and (
        candidates[chosen]["validation_log_loss"] > candidates["ensemble"]["validation_log_loss"] - hp.ensemble_margin
    ):
        chosen = "ensemble"  # a single formulation must beat the steadier mean clearly, not by noise
    model, best = fitted[chosen]
    _, p_val = model.probabilities(model.margins(x_val))
    policy = fit_policy(hp.tier_policy, hp.tier_costs, p_val, val.tier, prior)
    model = TierModel(
        model.kind, model.boosters, model.calibration, policy=policy, vocabulary=vocabulary, linear=model.linear
    )
    _, p_test = model.probabilities(model.margins(x_test))
    block = _tier_block(p_test, test.tier, policy)

    metrics: dict[str, Any] = {
        "label_kind": "grade",
        "rows": len(test.tier),
        "tier_model": chosen,
        "boosted_from_linear": bool(hp.boost_from_linear),
        "tier_model_candidates": candidates,
        "policy": policy.to_dict(),
        "vocabulary": vocabulary.to_dict(),
        "observed_tier_shares": {n: float(np.mean(test.tier == i)) for i, n in enumerate(TIER_NAMES)},
        "model": block,
        "macro_f1": block["macro_f1"],
        "accuracy": block["accuracy"],
        "auc_high": block["auc_high"],
        "log_loss": block["log_loss"],
        "max_tier_ece": block["max_ece"],
        "served_counts": block["served_counts"],
        "empty_tiers": _empty(block["served_counts"]),
        "auditor_reject_rate": float(test.target.mean()),
    }
    if test.true_tier_probability is not None and val.true_tier_probability is not None:
        bayes_policy = fit_policy(hp.tier_policy, hp.tier_costs, val.true_tier_probability, val.tier, prior)
        bayes = _tier_block(test.true_tier_probability, test.tier, bayes_policy)
        metrics["bayes"] = bayes
        metrics["bayes_macro_f1"] = bayes["macro_f1"]
        metrics["bayes_auc_high"] = bayes["auc_high"]
        metrics["bayes_log_loss"] = bayes["log_loss"]
    if test.protected_group is not None:
        from .evaluate import fairness

        metrics["fairness"] = fairness(policy.serve(p_test), (test.tier == 2).astype(np.int64), test.protected_group)

    baselines = {}
    for name, predict in fit_baselines(x_train, train.tier, 3, hp.seed, hp.nthread).items():
        b_policy = fit_policy(hp.tier_policy, hp.tier_costs, predict(x_val), val.tier, prior)
        baselines[name] = _tier_block(predict(x_test), test.tier, b_policy)
    metrics["baselines"] = baselines
    metrics["comparison"] = _compare(
        {"macro_f1": block["macro_f1"], "auc_high": block["auc_high"], "log_loss": block["log_loss"]},
        {n: {k: b[k] for k in ("macro_f1", "auc_high", "log_loss")} for n, b in baselines.items()},
        higher=("macro_f1", "auc_high"),
        lower=("log_loss",),
    )
    plots = {"binary": False, "proba": p_test, "tier": test.tier}
    return Fitted(model, spec, best, metrics, plots)


# ---- comparison and the printed summary --------------------------------------------------------


def _compare(
    model: dict[str, float], baselines: dict[str, dict[str, float]], higher: tuple[str, ...], lower: tuple[str, ...]
) -> dict[str, Any]:
    """Per baseline and metric: does the model do at least as well; and the plain sentence for the report."""
    verdicts: dict[str, dict[str, bool]] = {}
    shortfalls: list[str] = []
    for name, figures in baselines.items():
        verdicts[name] = {}
        for metric in higher + lower:
            ok = model[metric] >= figures[metric] if metric in higher else model[metric] <= figures[metric]
            verdicts[name][metric] = bool(ok)
            if not ok:
                shortfalls.append(f"{metric} {model[metric]:.4f} vs {name} {figures[metric]:.4f}")
    sentence = (
        "The model does at least as well as every baseline on every compared metric."
        if not shortfalls
        else "The model does NOT beat the baselines on: " + "; ".join(shortfalls) + "."
    )
    return {"at_least_as_good": verdicts, "beats_all": not shortfalls, "verdict": sentence}


def summary_line(m: dict[str, Any], metadata: dict[str, Any]) -> str:
    if m["label_kind"] == "grade":
        line = (
            f"trained {m['model_version']} ({m['tier_model']} tiers): macro_f1={m['macro_f1']:.4f}"
            f" accuracy={m['accuracy']:.4f} auc_high={m['auc_high']:.4f} log_loss={m['log_loss']:.4f}"
            f" max_tier_ece={m['max_tier_ece']:.4f}"
        )
        if "bayes" in m:
            line += f" bayes_macro_f1={m['bayes_macro_f1']:.4f} bayes_auc_high={m['bayes_auc_high']:.4f}"
    else:
        line = (
            f"trained {m['model_version']}: auc={m['auc']:.4f}"
            + (f" bayes_auc={m['bayes_auc']:.4f}" if "bayes_auc" in m else "")
            + f" log_loss={m['log_loss']:.4f} calibration_error={m['calibration_error']:.4f}"
        )
    counts = " ".join(f"{t}={m['served_counts'][t]}" for t in TIER_NAMES)
    return f"{line} best_iteration={metadata['best_iteration']} tiers: {counts}"


def comparison_lines(m: dict[str, Any]) -> list[str]:
    keys = ("macro_f1", "accuracy", "auc_high", "log_loss") if m["label_kind"] == "grade" else ("auc", "log_loss")
    rows = [("model", m)] + [(n, m["baselines"][n]) for n in BASELINES]
    lines = [f"  {name:<20} " + " ".join(f"{k}={figures[k]:.4f}" for k in keys) for name, figures in rows]
    return [*lines, "  " + m["comparison"]["verdict"]]


__all__ = ["HEADLINE", "TIERS", "Fitted", "comparison_lines", "fit_binary", "fit_graded", "summary_line"]
