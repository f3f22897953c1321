import numpy as np
import pytest

from riskline_model.tiers import Thresholds, choose_thresholds, odds_target


@pytest.fixture(scope="module")
def calibrated():
    rng = np.random.default_rng(41)
    p = rng.beta(1.2, 3.0, size=20_000)
    y = (rng.random(p.size) < p).astype(np.int8)
    return p, y


def test_thresholds_meet_both_reject_rate_targets_on_the_data_they_were_chosen_on(calibrated):
    p, y = calibrated
    t = choose_thresholds(p, y, low_odds_ratio=0.3, high_odds_ratio=4.0)
    base = y.mean()
    assert t.base_reject_rate == pytest.approx(base)
    assert t.low_max_reject_rate == pytest.approx(odds_target(base, 0.3))
    assert 0 < t.low_below < t.high_at_or_above < 1
    assert y[p < t.low_below].mean() <= t.low_max_reject_rate
    assert y[p >= t.high_at_or_above].mean() >= t.high_min_reject_rate
    # The low cut is the highest that meets its target: one more row would break it.
    assert y[p <= t.low_below].mean() > t.low_max_reject_rate or (p <= t.low_below).sum() == (p < t.low_below).sum()


def test_targets_follow_the_base_rate_as_odds_ratios():
    assert odds_target(0.3, 0.2) == pytest.approx(0.0789, abs=1e-4)  # about today's 8 % at a 30 % base rate
    assert odds_target(0.3, 7.0) == pytest.approx(0.75)
    assert odds_target(0.04, 7.0) == pytest.approx(0.2258, abs=1e-4)  # reachable on a rare-reject book


@pytest.mark.parametrize("base_rate", [0.04, 0.3, 0.6])
def test_every_base_rate_gets_three_non_empty_tiers(base_rate):
    rng = np.random.default_rng(7)
    # Calibrated scores of a decent model at the given base rate.
    z = rng.normal(size=20_000) * 1.4 + np.log(base_rate / (1 - base_rate)) - 0.5
    p = 1 / (1 + np.exp(-z))
    y = (rng.random(p.size) < p).astype(np.int8)
    t = choose_thresholds(p, y)
    counts = np.bincount(t.tier_index(p), minlength=3)
    assert (counts > 0).all(), counts
    rates = [y[t.tier_index(p) == i].mean() for i in range(3)]
    assert rates[0] < y.mean() < rates[2]


def test_observed_reject_rates_rise_from_low_to_high(calibrated):
    p, y = calibrated
    t = choose_thresholds(p, y)
    idx = t.tier_index(p)
    rates = [y[idx == i].mean() for i in range(3)]
    assert rates[0] < rates[1] < rates[2]


def test_tier_index_puts_probabilities_at_a_threshold_in_the_higher_tier():
    t = Thresholds(0.2, 0.6, 0.1, 0.7)
    assert t.tier_index(np.array([0.0, 0.1999, 0.2, 0.5999, 0.6, 1.0])).tolist() == [0, 0, 1, 1, 2, 2]


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(ValueError, match="out of order"):
        Thresholds(0.7, 0.3, 0.1, 0.7)


def test_thresholds_survive_a_round_trip(tmp_path):
    t = Thresholds(0.12, 0.55, 0.08, 0.75, base_reject_rate=0.3)
    t.save(tmp_path / "t.json")
    assert Thresholds.load(tmp_path / "t.json") == t


def test_constant_predictions_cannot_be_tiered():
    with pytest.raises(ValueError, match="uniform"):
        choose_thresholds(np.full(100, 0.3), np.zeros(100))
