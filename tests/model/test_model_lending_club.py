"""The Lending Club mapping on hand-made rows in openintro's `loans_full_schema` layout (no download)."""

import math

import pandas as pd
import pytest

from riskline_model.data.lending_club import COLUMNS, map_frame, map_loan
from riskline_schema import ModelInput

ROW = {
    "rownames": 1,
    "emp_title": "global config engineer",
    "emp_length": 3.0,
    "homeownership": "MORTGAGE",
    "annual_income": 90000.0,
    "verified_income": "Verified",
    "debt_to_income": 18.01,
    "annual_income_joint": math.nan,
    "debt_to_income_joint": math.nan,
    "delinq_2y": 0,
    "months_since_last_delinq": 38.0,
    "earliest_credit_line": 2001,
    "inquiries_last_12m": 6,
    "total_credit_lines": 28,
    "open_credit_lines": 10,
    "total_credit_limit": 70795,
    "total_credit_utilized": 38767,
    "public_record_bankrupt": 0,
    "loan_purpose": "moving",
    "application_type": "individual",
    "loan_amount": 28000,
    "term": 60,
    "grade": "C",
    "issue_month": "Mar-2018",
}


def test_a_loan_maps_to_a_valid_model_input_with_its_grade():
    row = map_loan(ROW)
    assert row["label"] == "c" and row["application_id"] == "lc-2018-000001"
    assert row["income_verification"] == "verified" and row["home_ownership"] == "mortgage"
    assert row["revolving_utilization"] == pytest.approx(54.76, abs=0.01)
    assert row["credit_history_years"] == 17.0 and row["loan_purpose"] == "other"
    facts = ModelInput.model_validate({k: v for k, v in row.items() if k != "label"})
    assert facts.loan_term_months == 60 and facts.months_since_last_delinquency == 38


def test_a_joint_loan_is_judged_on_the_joint_income_and_debt():
    row = map_loan(ROW | {"application_type": "joint", "annual_income": 0.0, "debt_to_income": math.nan,
                          "annual_income_joint": 167250.0, "debt_to_income_joint": 14.92})  # fmt: skip
    assert (row["annual_income"], row["debt_to_income"], row["application_type"]) == (167250.0, 14.92, "joint")


def test_real_extremes_map_to_inputs_the_schema_accepts():
    # A thin income's debt-to-income of 469 %, a delinquency with no months-since count, no job on record.
    row = map_loan(
        ROW
        | {"debt_to_income": 469.09, "delinq_2y": 2, "months_since_last_delinq": math.nan}
        | {"emp_length": math.nan, "emp_title": math.nan, "total_credit_limit": 0}
    )
    facts = ModelInput.model_validate({k: v for k, v in row.items() if k != "label"})
    assert facts.debt_to_income == 469.09 and facts.months_since_last_delinquency is None
    assert (facts.employment_status, facts.employment_length_years, facts.revolving_utilization) == ("unemployed", 0, 0)


def test_a_frame_in_the_data_sets_layout_maps_row_by_row_and_a_missing_column_is_named():
    frame = pd.DataFrame([ROW, ROW | {"rownames": 2, "grade": "G", "loan_purpose": "credit_card"}])
    rows = map_frame(frame)
    assert [r["label"] for r in rows] == ["c", "g"] and rows[1]["loan_purpose"] == "credit_card"
    with pytest.raises(ValueError, match="grade"):
        map_frame(frame.drop(columns=["grade"]))
    assert len(COLUMNS) == len(set(COLUMNS))
