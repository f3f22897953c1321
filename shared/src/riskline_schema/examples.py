"""One realistic web-form submission: the JSON Schema's example for API docs, and tests' fixture."""

import copy
from typing import Any

_WEBFORM_SUBMISSION: dict[str, Any] = {
    "applicant": {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "date_of_birth": "1985-03-02",
        "email": "ada@example.com",
        "phone": "+1 (555) 010-1234",
        "national_id": "123-45-6789",
        "address": {"street": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701"},
    },
    "annual_income": 85000,
    "income_verification": "verified",
    "employment_status": "employed",
    "employment_length_years": 6,
    "home_ownership": "mortgage",
    "debt_to_income": 18.5,
    "delinquencies_2y": 0,
    "inquiries_last_12m": 1,
    "open_credit_lines": 7,
    "total_credit_lines": 15,
    "revolving_utilization": 32.0,
    "credit_history_years": 12.5,
    "public_record_bankruptcies": 0,
    "loan_amount": 15000,
    "loan_term_months": 36,
    "loan_purpose": "debt_consolidation",
}

# Every PII value of the example as it may appear once normalised: none may reach a log or the lake.
WEBFORM_PII_VALUES: tuple[str, ...] = (
    "Ada", "Lovelace", "ada@example.com", "123456789", "123-45-6789", "1985-03-02", "1 Main St", "5550101234",
)  # fmt: skip


def webform_submission(**overrides: Any) -> dict[str, Any]:
    """A fresh deep copy of the example body, with top-level fields overridden."""
    return copy.deepcopy(_WEBFORM_SUBMISSION) | overrides
