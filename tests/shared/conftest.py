from datetime import UTC, datetime
from typing import Any

import pytest

from riskline_schema.examples import webform_submission

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def webform_body(**overrides: Any) -> dict[str, Any]:
    body = webform_submission(**overrides)
    body["applicant"]["address"]["state"] = "il"  # lower case on purpose: the schema normalises it
    return body


def flat_values(**overrides: str) -> dict[str, str]:
    values = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "date_of_birth": "12/09/1976",
        "email": "grace@example.org",
        "phone": "555-010-9876",
        "national_id": "234-56-7890",
        "street": "9 Navy Way",
        "city": "Arlington",
        "state": "va",
        "postal_code": "22201",
        "annual_income": "$72,500",
        "income_verification": "Source Verified",
        "employment_status": "Self-Employed",
        "employment_length_years": "8",
        "home_ownership": "Own",
        "debt_to_income": "21.4%",
        "delinquencies_2y": "1",
        "inquiries_last_12m": "2",
        "open_credit_lines": "5",
        "total_credit_lines": "11",
        "revolving_utilization": "48%",
        "credit_history_years": "15",
        "public_record_bankruptcies": "0",
        "months_since_last_delinquency": "14",
        "loan_amount": "12k",
        "loan_term_months": "60",
        "loan_purpose": "Home Improvement",
        "application_type": "Joint",
    }
    values.update(overrides)
    return values


@pytest.fixture
def now() -> datetime:
    return NOW
