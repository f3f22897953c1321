import numpy as np
import pytest

from riskline_model.tiers import Thresholds, choose_thresholds


@pytest.fixture(scope="module")
def calibrated():
    rng = np.random.default_rng(41)
    p = rng.beta(1.2, 3.0, size=20_000)
    y = (rng.random(p.size) < p).astype(np.int8)
    return p, y


def test_thresholds_meet_both_reject_rate_targets_on_the_data_they_were_chosen_on(calibrated):
    p, y = calibrated
    t = choose_thresholds(p, y, low_max_reject_rate=0.1, high_min_reject_rate=0.6)
    assert 0 < t.low_below < t.high_at_or_above < 1
    assert y[p < t.low_below].mean() <= 0.1
    assert y[p >= t.high_at_or_above].mean() >= 0.6
    # The low cut is the highest that meets its target: one more row would break it.
    assert y[p <= t.low_below].mean() > 0.1 or (p <= t.low_below).sum() == (p < t.low_below).sum()


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
    t = Thresholds(0.12, 0.55, 0.08, 0.75)
    t.save(tmp_path / "t.json")
    assert Thresholds.load(tmp_path / "t.json") == t


def test_constant_predictions_cannot_be_tiered():
    with pytest.raises(ValueError, match="uniform"):
        choose_thresholds(np.full(100, 0.3), np.zeros(100))
