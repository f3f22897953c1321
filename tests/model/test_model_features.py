import json

import numpy as np
import pytest

from riskline_model.data.generator import generate
from riskline_model.features.spec import FEATURES, FeatureSpec, FeatureSpecError
from riskline_schema import FINANCIAL_FIELDS


@pytest.fixture(scope="module")
def inputs():
    return [x.application.to_model_input() for x in generate(400, seed=31)]


@pytest.fixture(scope="module")
def spec(inputs):
    cols = {f: [getattr(m, f) for m in inputs] for f in FINANCIAL_FIELDS}
    target = np.array([i % 3 == 0 for i in range(len(inputs))], dtype=np.int8)
    return FeatureSpec.fit(cols, target)


def test_spec_survives_a_json_round_trip_and_transforms_identically(spec, inputs, tmp_path):
    spec.save(tmp_path / "spec.json")
    again = FeatureSpec.load(tmp_path / "spec.json")
    assert again == spec
    assert np.array_equal(again.transform_records(inputs), spec.transform_records(inputs))
    assert json.loads((tmp_path / "spec.json").read_text())["features"] == list(FEATURES)


def test_training_columns_and_serving_records_give_the_same_matrix(spec, inputs):
    # Training sees object columns read from a file; serving sees validated ModelInputs.
    cols = {f: np.array([m.model_dump(mode="json")[f] for m in inputs], dtype=object) for f in FINANCIAL_FIELDS}
    assert np.array_equal(spec.transform(cols), spec.transform_records(inputs))


def test_matrix_is_float32_in_feature_order_without_missing_values(spec, inputs):
    x = spec.transform_records(inputs)
    assert x.dtype == np.float32 and x.shape == (len(inputs), len(FEATURES))
    assert np.isfinite(x).all()


def test_missing_delinquency_month_is_imputed_beyond_every_observed_value(spec, inputs):
    never = next(m for m in inputs if m.months_since_last_delinquency is None)
    some = next(m for m in inputs if m.months_since_last_delinquency is not None)
    x = spec.transform_records([never, some])
    j, flag = FEATURES.index("months_since_last_delinquency"), FEATURES.index("has_delinquency_record")
    observed = [m.months_since_last_delinquency for m in inputs if m.months_since_last_delinquency is not None]
    assert x[0, j] == spec.fill["months_since_last_delinquency"] > max(observed)
    assert (x[0, flag], x[1, flag]) == (0.0, 1.0)


def test_derived_ratios_match_a_hand_computation(spec, inputs):
    m = inputs[0].model_copy(
        update={
            "annual_income": 60_000.0,
            "loan_amount": 12_000.0,
            "loan_term_months": 36,
            "debt_to_income": 20.0,
            "open_credit_lines": 5,
            "total_credit_lines": 20,
        }
    )
    x = spec.transform_records([m])[0]
    r = 0.12 / 12
    payment = 12_000 * r / (1 - (1 + r) ** -36)
    assert x[FEATURES.index("loan_to_income")] == pytest.approx(0.2)
    assert x[FEATURES.index("payment_to_income")] == pytest.approx(100 * payment * 12 / 60_000, rel=1e-6)
    assert x[FEATURES.index("total_debt_to_income")] == pytest.approx(20 + 100 * payment * 12 / 60_000, rel=1e-6)
    assert x[FEATURES.index("open_lines_ratio")] == pytest.approx(0.25)


def test_zero_income_stays_finite(spec, inputs):
    x = spec.transform_records([inputs[0].model_copy(update={"annual_income": 0.0})])
    assert np.isfinite(x).all()


def test_categories_are_coded_by_reject_rate_and_unseen_values_fall_back(spec):
    cols = {f: [None] for f in FINANCIAL_FIELDS}
    cols.update(
        annual_income=[50_000.0],
        employment_length_years=[3],
        debt_to_income=[10.0],
        delinquencies_2y=[0],
        inquiries_last_12m=[0],
        open_credit_lines=[2],
        total_credit_lines=[4],
        revolving_utilization=[10.0],
        credit_history_years=[5.0],
        public_record_bankruptcies=[0],
        loan_amount=[1_000.0],
        loan_term_months=[36],
        income_verification=["verified"],
        employment_status=["astronaut"],
        home_ownership=["rent"],
        loan_purpose=["car"],
        application_type=["individual"],
    )
    x = spec.transform(cols)[0]
    fallback = spec.categories["employment_status"].index(spec.unknown_category["employment_status"])
    assert x[FEATURES.index("employment_status")] == fallback


def test_a_missing_field_is_named(spec):
    with pytest.raises(FeatureSpecError, match="annual_income"):
        spec.transform({"loan_amount": [1.0]})


def test_a_spec_from_other_code_is_refused(spec):
    doc = spec.to_dict() | {"spec_version": 99}
    with pytest.raises(FeatureSpecError, match="version"):
        FeatureSpec.from_dict(doc)
