import pytest

from riskline_schema import Channel
from riskline_schema.channels import InvalidPayload, application_from_submission

from .conftest import NOW


def mobile_body(**loan):
    return {
        "channel": "mobile",
        "applicant": {
            "firstName": "Alan",
            "lastName": "Turing",
            "dateOfBirth": "1990-06-23",
            "email": "alan@example.com",
            "phone": "5550104321",
            "nationalId": "345678901",
            "address": {"street": "2 Bletchley Rd", "city": "Austin", "state": "TX", "postalCode": "73301"},
        },
        "homeOwnership": "rent",
        "employment": {"status": "employed", "lengthYears": 3, "annualIncome": 61000, "incomeVerification": "verified"},
        "credit": {
            "debtToIncome": 24.0,
            "delinquencies2y": 0,
            "inquiriesLast12m": 3,
            "openCreditLines": 4,
            "totalCreditLines": 9,
            "revolvingUtilization": 55.5,
            "creditHistoryYears": 6,
            "publicRecordBankruptcies": 0,
        },
        "loan": {"amount": 9000, "termMonths": 36, "purpose": "car"} | loan,
        "device": {"platform": "android", "appVersion": "5.1.0"},
    }


def test_mobile_camelcase_body_becomes_the_same_canonical_application():
    app = application_from_submission(mobile_body(), application_id="app-00000002", submitted_at=NOW)
    assert app.channel is Channel.MOBILE
    assert app.applicant.first_name == "Alan"
    assert (app.annual_income, app.loan_amount, app.loan_purpose.value) == (61000, 9000, "car")


def test_mobile_errors_name_the_field_as_the_app_sent_it():
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(
            mobile_body(amount=10, termMonths=7), application_id="app-00000002", submitted_at=NOW
        )
    assert {p.field for p in info.value.problems} == {"loan.amount", "loan.termMonths"}


def test_mobile_snake_case_keys_are_unknown_fields():
    body = mobile_body()
    body["loan"] = {"amount": 9000, "term_months": 36, "purpose": "car"}
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(body, application_id="app-00000002", submitted_at=NOW)
    problems = {p.field: p.problem for p in info.value.problems}
    assert problems["loan.term_months"] == "unknown field"
    assert problems["loan.termMonths"] == "required field is missing"
