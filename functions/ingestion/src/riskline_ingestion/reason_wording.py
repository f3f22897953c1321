"""Reason codes in the words an adverse-action (decline) notice would use: the one table of them.

The codes are the model's (`riskline_model.features.spec.REASON_CODES`, a test keeps the two in
step); the wording follows the style of the sample reasons in Regulation B's model notices.
"""

ADVERSE_ACTION_WORDING: dict[str, str] = {
    "LOW_INCOME": "Income insufficient for amount of credit requested",
    "SHORT_EMPLOYMENT": "Length of employment",
    "HIGH_DEBT_TO_INCOME": "Excessive obligations in relation to income",
    "RECENT_DELINQUENCIES": "Delinquent past or present credit obligations with others",
    "MANY_CREDIT_INQUIRIES": "Number of recent inquiries on credit bureau report",
    "OPEN_CREDIT_LINES": "Number of accounts currently open",
    "FEW_CREDIT_LINES": "Limited credit experience",
    "HIGH_REVOLVING_UTILIZATION": "Proportion of balances to credit limits on revolving accounts is too high",
    "SHORT_CREDIT_HISTORY": "Length of credit history is too short",
    "PUBLIC_RECORD_BANKRUPTCY": "Bankruptcy",
    "RECENT_DELINQUENCY": "Time since most recent delinquency is too short",
    "HIGH_LOAN_AMOUNT": "Amount of credit requested is too high",
    "LONG_LOAN_TERM": "Length of the loan term requested",
    "INCOME_VERIFICATION": "Unable to verify income",
    "EMPLOYMENT_STATUS": "Temporary or irregular employment",
    "HOME_OWNERSHIP": "Residence status",
    "LOAN_PURPOSE": "Purpose of the credit requested",
    "APPLICATION_TYPE": "Type of application",
    "DELINQUENCY_ON_RECORD": "Delinquent credit obligations on record",
    "HIGH_LOAN_TO_INCOME": "Amount of credit requested in relation to income",
    "HIGH_PAYMENT_TO_INCOME": "Monthly payment in relation to income",
    "HIGH_TOTAL_DEBT_TO_INCOME": "Excessive obligations, including this credit, in relation to income",
    "HIGH_OPEN_LINES_RATIO": "Proportion of credit accounts currently open",
}


def in_words(code: str) -> str:
    """The wording for a code; a code the table lacks is shown as itself, marked, never invented."""
    return ADVERSE_ACTION_WORDING.get(code, f"{code} (no adverse-action wording on file)")
