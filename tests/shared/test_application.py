from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from riskline_schema import Application, Channel, ModelInput, describe_validation_error
from riskline_schema.channels import InvalidPayload, application_from_submission

from .conftest import NOW, webform_body


def make(**overrides):
    return application_from_submission(webform_body(**overrides), application_id="app-00000001", submitted_at=NOW)


def problems_of(**overrides) -> dict[str, str]:
    with pytest.raises(InvalidPayload) as info:
        make(**overrides)
    return {p.field: p.problem for p in info.value.problems}


def test_webform_body_becomes_a_canonical_application():
    app = make()
    assert app.channel is Channel.WEBFORM
    assert app.applicant.phone == "+15550101234"
    assert app.applicant.national_id == "123456789"
    assert app.applicant.address.state == "IL"
    assert app.submitted_at == NOW


def test_model_input_carries_no_pii():
    model_input = make().to_model_input()
    dumped = model_input.model_dump_json()
    for secret in ("Ada", "Lovelace", "ada@example.com", "123456789", "1985-03-02", "Main St", "62701", "5550101234"):
        assert secret not in dumped
    assert "applicant" not in ModelInput.model_fields
    assert model_input.loan_amount == 15000


def test_unknown_field_is_rejected_with_its_name():
    assert problems_of(favourite_colour="blue") == {"favourite_colour": "unknown field"}


def test_out_of_range_values_name_each_field():
    problems = problems_of(annual_income=-5, debt_to_income=-1, revolving_utilization=1_001, loan_term_months=37)
    assert set(problems) == {"annual_income", "debt_to_income", "revolving_utilization", "loan_term_months"}
    assert "36" in problems["loan_term_months"]


def test_a_debt_to_income_above_100_percent_is_a_real_bureau_value_and_accepted():
    # Thin incomes push the ratio past 100 % on real files (469 % in the public Lending Club sample).
    assert make(debt_to_income=469.09).debt_to_income == 469.09
    assert make(revolving_utilization=180).revolving_utilization == 180


def test_nested_pii_errors_use_dotted_paths():
    body = webform_body()
    body["applicant"]["address"]["state"] = "ZZ"
    body["applicant"]["email"] = "not-an-email"
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(body, application_id="app-00000001", submitted_at=NOW)
    fields = {p.field for p in info.value.problems}
    assert fields == {"applicant.address.state", "applicant.email"}


def test_open_lines_cannot_exceed_total_lines():
    problems = problems_of(open_credit_lines=20, total_credit_lines=10)
    assert any("open_credit_lines" in text for text in problems.values())


def test_a_delinquency_without_its_month_count_is_accepted():
    app = make(delinquencies_2y=2, months_since_last_delinquency=None)
    assert (app.delinquencies_2y, app.months_since_last_delinquency) == (2, None)
    # An older last delinquency beside recent ones is also what bureaus report (the two come from different fields).
    assert make(delinquencies_2y=1, months_since_last_delinquency=38).months_since_last_delinquency == 38


def test_impossible_counts_stay_hard_errors():
    assert set(problems_of(delinquencies_2y=-1, months_since_last_delinquency=-3)) == {
        "delinquencies_2y",
        "months_since_last_delinquency",
    }


def test_minors_are_rejected():
    body = webform_body()
    body["applicant"]["date_of_birth"] = "2015-01-01"
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(body, application_id="app-00000001", submitted_at=NOW)
    assert "age of 11" in info.value.problems[0].problem


@pytest.mark.parametrize("ssn", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "12345678"])
def test_unissuable_national_ids_are_rejected(ssn):
    body = webform_body()
    body["applicant"]["national_id"] = ssn
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(body, application_id="app-00000001", submitted_at=NOW)
    assert [p.field for p in info.value.problems] == ["applicant.national_id"]


def test_submitted_at_is_converted_to_utc_and_naive_times_refused():
    app = make()
    eastern = app.model_copy(update={}).model_dump() | {
        "submitted_at": datetime(2026, 11, 29, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    }
    assert Application.model_validate(eastern).submitted_at == datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as info:
        Application.model_validate(eastern | {"submitted_at": datetime(2026, 11, 29, 7, 0)})
    assert [p.field for p in describe_validation_error(info.value)] == ["submitted_at"]


def test_application_is_immutable():
    app = make()
    with pytest.raises(ValidationError):
        app.loan_amount = 1  # type: ignore[misc]


def test_non_object_body_is_a_clear_error():
    with pytest.raises(InvalidPayload) as info:
        application_from_submission(["not", "an", "object"], application_id="app-00000001", submitted_at=NOW)
    assert info.value.problems[0].field == "(body)"
