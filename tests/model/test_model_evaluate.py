import itertools

import numpy as np
import pytest

from riskline_model.evaluate import auc, calibration, evaluate, expected_auc, fairness
from riskline_model.tiers import Thresholds


def _brute_auc(score, y):
    pos, neg = score[y == 1], score[y == 0]
    return np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])


def test_auc_matches_the_pairwise_definition_with_ties():
    rng = np.random.default_rng(51)
    score = rng.integers(0, 5, size=200).astype(float)
    y = rng.integers(0, 2, size=200)
    assert auc(score, y) == pytest.approx(_brute_auc(score, y))


def test_expected_auc_matches_the_pairwise_expectation():
    p = np.array([0.1, 0.1, 0.3, 0.5, 0.8, 0.95])
    num = den = 0.0
    for i, j in itertools.permutations(range(len(p)), 2):
        w = p[i] * (1 - p[j])
        den += w
        num += w * ((p[i] > p[j]) + 0.5 * (p[i] == p[j]))
    assert expected_auc(p) == pytest.approx(num / den)


def test_calibration_error_is_small_for_calibrated_and_large_for_shifted_predictions():
    rng = np.random.default_rng(52)
    p = rng.random(50_000)
    y = (rng.random(p.size) < p).astype(int)
    assert calibration(p, y)[0] < 0.01
    assert calibration(np.clip(p + 0.2, 0, 1), y)[0] > 0.1


def test_fairness_gaps_are_the_spread_across_groups():
    p = np.array([0.05, 0.05, 0.9, 0.9, 0.05, 0.5, 0.9, 0.9])
    y = np.array([0, 0, 1, 1, 0, 1, 1, 1])
    g = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])
    f = fairness(Thresholds(0.1, 0.8, 0.1, 0.7).tier_index(p), y, g)
    assert f["groups"]["a"]["approval_rate"] == 0.5 and f["groups"]["b"]["approval_rate"] == 0.25
    assert f["approval_rate_gap"] == pytest.approx(0.25)
    assert f["groups"]["b"]["true_positive_rate"] == pytest.approx(2 / 3)
    assert f["true_positive_rate_gap"] == pytest.approx(1 / 3)


def test_metrics_put_the_bayes_optimal_auc_beside_the_model_auc():
    rng = np.random.default_rng(53)
    true_p = rng.beta(2, 5, size=5_000)
    y = (rng.random(true_p.size) < true_p).astype(int)
    noisy = np.clip(true_p + rng.normal(0, 0.1, size=true_p.size), 0, 1)
    m = evaluate(noisy, y, Thresholds(0.15, 0.5, 0.1, 0.7), true_p, np.where(true_p > 0.3, "x", "y"))
    assert m["auc"] < m["bayes_auc"]
    assert m["bayes_expected_auc"] == pytest.approx(m["bayes_auc"], abs=0.02)
    assert set(m["tiers"]) == {"low", "medium", "high"} and m["tier_reject_rates_rise"]
    assert "approval_rate_gap" in m["fairness"]
