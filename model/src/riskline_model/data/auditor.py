"""The auditors' decision process, written down as a generative story.

Every label is drawn from a known probability, so the best achievable (Bayes-optimal) AUC of any
sample can be computed from `reject_probability` alone:

1. A latent risk (log-odds) built from the financial facts an auditor reads: debt load, the new
   loan's size against income, revolving utilization, recent delinquencies, credit inquiries,
   thin credit history, employment, verification and purpose.
2. Auditor noise: each application goes to one of `AUDITOR_LENIENCY` auditors, chosen uniformly,
   who shifts the log-odds by a personal leniency; nobody records which auditor it was, so the
   true probability averages over them.
3. Hard policy rules that override judgement: a recent bankruptcy with a large loan, or a total
   debt-to-income past the policy ceiling, is rejected (save for a rare clerical slip).
4. Lapses: any decision is flipped to a coin toss with a small probability.
"""

import numpy as np

# Log-odds shift of each auditor (negative = more lenient); fixed, so the story is reproducible.
AUDITOR_LENIENCY = np.array([-0.6, -0.35, -0.2, -0.1, 0.0, 0.0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8])
LAPSE_RATE = 0.03
BANKRUPTCY_LOAN_LIMIT = 20_000.0
DTI_CEILING = 50.0  # percent, including the new loan's payment
POLICY_REJECT_PROBABILITY = 0.98
NOMINAL_APR = 0.12
BASE_LOG_ODDS = -2.5  # an applicant with unremarkable facts is rarely rejected
EVIDENCE_WEIGHT = (
    1.6  # how strongly the facts sway the auditors  # auditors price the new loan's payment at a standard rate
)


def monthly_payment(loan_amount: np.ndarray, term_months: np.ndarray, apr: float = NOMINAL_APR) -> np.ndarray:
    """Amortised monthly payment of a fixed-rate loan."""
    r = apr / 12.0
    return loan_amount * r / (1.0 - (1.0 + r) ** (-term_months))


def latent_risk(c: dict[str, np.ndarray]) -> np.ndarray:
    """Step 1: the log-odds of rejection an average auditor would assign (arrays of facts in `c`)."""
    income = np.maximum(c["annual_income"], 1_000.0)
    payment_share = 100.0 * monthly_payment(c["loan_amount"], c["loan_term_months"]) * 12.0 / income
    msld = np.where(np.isnan(c["months_since_last_delinquency"]), 999.0, c["months_since_last_delinquency"])
    employment = c["employment_status"]
    evidence = (
        0.05 * (c["debt_to_income"] - 18.0)
        + 0.06 * (payment_share - 8.0)
        + 1.6 * (c["revolving_utilization"] / 100.0 - 0.45) ** 2 * np.sign(c["revolving_utilization"] / 100.0 - 0.45)
        + 1.2 * (c["revolving_utilization"] / 100.0 - 0.45)
        + 0.45 * np.minimum(c["delinquencies_2y"], 6)
        + 0.7 * (msld < 6)
        + 0.12 * np.minimum(c["inquiries_last_12m"], 10)
        + 0.9 * np.exp(-c["credit_history_years"] / 3.0)
        + 0.55 * (c["public_record_bankruptcies"] > 0)
        + 0.9 * (employment == "unemployed")
        + 0.35 * (employment == "student")
        - 0.15 * (employment == "retired")
        + 0.3 * (c["income_verification"] == "not_verified")
        - 0.25 * np.isin(c["home_ownership"], ["mortgage", "own"])
        + 0.45 * (c["loan_purpose"] == "small_business")
        - 0.2 * (c["loan_purpose"] == "car")
        + 0.2 * (c["loan_term_months"] == 60)
        - 0.3 * (c["application_type"] == "joint")
        - 0.02 * np.minimum(c["employment_length_years"], 10)
    )
    return BASE_LOG_ODDS + EVIDENCE_WEIGHT * evidence


def policy_reject(c: dict[str, np.ndarray]) -> np.ndarray:
    """Step 3: the hard rules (boolean per application)."""
    income = np.maximum(c["annual_income"], 1_000.0)
    total_dti = c["debt_to_income"] + 100.0 * monthly_payment(c["loan_amount"], c["loan_term_months"]) * 12.0 / income
    bankrupt_big_loan = (c["public_record_bankruptcies"] > 0) & (c["loan_amount"] > BANKRUPTCY_LOAN_LIMIT)
    return bankrupt_big_loan | (total_dti > DTI_CEILING)


def reject_probability(c: dict[str, np.ndarray]) -> np.ndarray:
    """The true probability that an auditor rejects each application (steps 1-4 combined)."""
    z = latent_risk(c)
    # Step 2: average the logistic over the (unrecorded) auditor who took the case.
    p = (1.0 / (1.0 + np.exp(-(z[:, None] + AUDITOR_LENIENCY[None, :])))).mean(axis=1)
    p = np.where(policy_reject(c), POLICY_REJECT_PROBABILITY, p)
    return (1.0 - LAPSE_RATE) * p + LAPSE_RATE * 0.5


# Graded mode: the same latent risk read on an ordinal scale. Each auditor places the case in a tier by
# two cut points on their own (leniency-shifted) log-odds, a cumulative-logit story; the hard rules send
# a case to review at least and mostly to high; a lapse is a uniform draw over the three tiers.
TIER_CUT_MEDIUM = -0.55  # log-odds above which an auditor grades at least "medium"
TIER_CUT_HIGH = 4.0  # log-odds above which an auditor grades "high" (about 5 % of applications)
POLICY_HIGH_PROBABILITY = 0.2  # a hard rule's case goes to high this often, otherwise to medium


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def tier_probabilities(c: dict[str, np.ndarray]) -> np.ndarray:
    """(n, 3) true probabilities of the tiers low, medium, high under the graded story; rows sum to 1."""
    z = latent_risk(c)[:, None] + AUDITOR_LENIENCY[None, :]
    at_least_medium = _sigmoid(z - TIER_CUT_MEDIUM).mean(axis=1)
    high = _sigmoid(z - TIER_CUT_HIGH).mean(axis=1)
    rule = policy_reject(c)
    at_least_medium = np.where(rule, 1.0, at_least_medium)
    high = np.where(rule, np.maximum(high, POLICY_HIGH_PROBABILITY), high)
    p = np.stack([1.0 - at_least_medium, at_least_medium - high, high], axis=1)
    return (1.0 - LAPSE_RATE) * p + LAPSE_RATE / 3.0
