from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from riskline_schema import RiskAssessment

BASE = {
    "application_id": "app-00000001",
    "probability": 0.12,
    "tier": "low",
    "decision_hint": "accept",
    "reason_codes": ["HIGH_DEBT_TO_INCOME"],
    "model_version": "riskline-xgb-20261201T1200-1a2b3c4d",
    "scored_at": datetime(2026, 12, 1, 12, tzinfo=UTC),
}


def test_a_schema_1_0_assessment_without_tier_probabilities_still_validates():
    assessment = RiskAssessment.model_validate({**BASE, "schema_version": "1.0"})
    assert assessment.tier_probabilities is None


def test_tier_probabilities_travel_with_the_assessment():
    probs = {"low": 0.7, "medium": 0.25, "high": 0.05}
    assessment = RiskAssessment.model_validate({**BASE, "tier_probabilities": probs})
    assert assessment.model_dump(mode="json")["tier_probabilities"] == probs


def test_tier_probabilities_must_sum_to_one():
    with pytest.raises(ValidationError, match="sum to 1"):
        RiskAssessment.model_validate({**BASE, "tier_probabilities": {"low": 0.7, "medium": 0.2, "high": 0.2}})


def test_rounded_tier_probabilities_within_the_tolerance_are_accepted():
    probs = {"low": 0.333333, "medium": 0.333333, "high": 0.333333}
    assert RiskAssessment.model_validate({**BASE, "tier_probabilities": probs}).tier_probabilities.high == 0.333333


def test_an_unknown_tier_is_refused_by_name():
    with pytest.raises(ValidationError, match="extreme"):
        RiskAssessment.model_validate(
            {**BASE, "tier_probabilities": {"low": 0.5, "medium": 0.5, "high": 0, "extreme": 0}}
        )
