"""DEMO_DRIFT's second wave: valid applications, the shifted fact moved, submitted the week after."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from riskline_local.demo.drift_wave import shifted_wave
from riskline_local.demo.workload import build_workload


def test_wave_shifts_the_fact_and_its_auditor_decisions_follow() -> None:
    wave, first = shifted_wave(800, seed=3), build_workload(800, seed=3)
    dti = np.mean([s.application.debt_to_income for s in wave]) / np.mean([s.application.debt_to_income for s in first])
    assert 1.4 < dti < 1.55  # 1.5, less the clip at 100 %
    income = np.mean([s.application.annual_income for s in wave]) / np.mean(
        [s.application.annual_income for s in first]
    )
    assert income == pytest.approx(1.0)
    reject_share = np.mean([s.label.value == "reject" for s in wave])
    assert reject_share > np.mean([s.label.value == "reject" for s in first]) + 0.05
    days = {s.application.submitted_at.date() for s in wave}
    assert min(days) == datetime(2026, 11, 29, tzinfo=UTC).date() and len(days) == 7


def test_wave_is_seeded_and_refuses_an_unknown_fact() -> None:
    assert [s.application for s in shifted_wave(50, seed=4)] == [s.application for s in shifted_wave(50, seed=4)]
    with pytest.raises(ValueError, match="cannot shift age"):
        shifted_wave(10, seed=4, shift={"age": 2.0})
