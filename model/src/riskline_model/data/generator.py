"""Seeded synthetic applications (all channels, plausible joint distributions) with auditor labels.

The financial facts hang off a latent credit quality and a protected group, so they are correlated
the way real ones are (income with employment and age, delinquencies with utilization and
inquiries, loan size with income and purpose). The protected group is never a model feature: it
only shifts income a little, the way real proxies leak, so the fairness report has something to
measure. Labels come from the auditors' story in `auditor.py`: binary (accept / reject, the
default) or graded (low / medium / high, a few percent high), each with its true probabilities.
"""

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from riskline_schema import Application, AuditOutcome, AuditRequest, Channel, RiskTier

from .auditor import reject_probability, tier_probabilities

LABEL_MODES = ("binary", "graded")
TIER_ORDER = (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH)

REFERENCE_TIME = datetime(2026, 11, 1, tzinfo=UTC)  # submissions spread over the 28 days after
PROTECTED_GROUPS = ("group_a", "group_b")

CHANNEL_WEIGHTS = {
    Channel.WEBFORM: 0.35,
    Channel.MOBILE: 0.30,
    Channel.CHATBOT: 0.12,
    Channel.PHONE: 0.13,
    Channel.MAIL: 0.10,
}
EMPLOYMENT = {  # status: (share, median income, log-sd)
    "employed": (0.72, 62_000, 0.45),
    "self_employed": (0.10, 70_000, 0.70),
    "unemployed": (0.05, 14_000, 0.60),
    "retired": (0.08, 38_000, 0.40),
    "student": (0.05, 16_000, 0.50),
}
PURPOSES = {  # purpose: (share, median loan as a fraction of income)
    "debt_consolidation": (0.40, 0.22),
    "credit_card": (0.20, 0.15),
    "home_improvement": (0.10, 0.25),
    "major_purchase": (0.07, 0.14),
    "medical": (0.05, 0.10),
    "car": (0.08, 0.30),
    "small_business": (0.04, 0.40),
    "other": (0.06, 0.12),
}
TERMS = {12: 0.05, 24: 0.08, 36: 0.55, 48: 0.07, 60: 0.25}

FIRST_NAMES = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan \
Joseph Jessica Thomas Sarah Carlos Maria Wei Mei Aisha Omar Priya Arjun Sofia Mateo Chloe Kwame Amara Yuki Hana Ivan \
Olga Lucas Emma Noah Olivia Liam Ava Ethan Mia Diego Lucia Samuel Grace Daniel Zoe".split()
LAST_NAMES = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez \
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis \
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell \
Mitchell Carter Roberts Chen Patel Kim Okafor Novak".split()
STREETS = "Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln Jackson River Church Spring".split()
STREET_KINDS = ("St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way")
CITIES = {  # state: cities (a plausible, not exhaustive, sample)
    "CA": ["Los Angeles", "San Diego", "Fresno", "Sacramento"],
    "TX": ["Houston", "Austin", "Dallas", "El Paso"],
    "FL": ["Miami", "Tampa", "Orlando"],
    "NY": ["New York", "Buffalo", "Rochester"],
    "PA": ["Philadelphia", "Pittsburgh"],
    "IL": ["Chicago", "Springfield", "Peoria"],
    "OH": ["Columbus", "Cleveland", "Dayton"],
    "GA": ["Atlanta", "Savannah"],
    "NC": ["Charlotte", "Raleigh"],
    "MI": ["Detroit", "Grand Rapids"],
    "WA": ["Seattle", "Spokane"],
    "AZ": ["Phoenix", "Tucson"],
    "MA": ["Boston", "Worcester"],
    "CO": ["Denver", "Boulder"],
    "MN": ["Minneapolis", "Duluth"],
    "PR": ["San Juan"],
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.test")


@dataclass(frozen=True, slots=True)
class LabeledApplication:
    """One synthetic application, the auditor's decision and what the story knows about it.

    Binary mode: `label` is accept/reject and `true_probability` P(reject). Graded mode: `label` is the
    tier, `true_tier_probabilities` the true (low, medium, high) probabilities and `true_probability`
    P(high), the grade that counts as a rejection.
    """

    application: Application
    label: AuditOutcome | RiskTier
    true_probability: float  # P(auditor rejects | facts), from the generative story
    protected_group: str  # synthetic protected attribute: for the fairness report, never a feature
    true_tier_probabilities: tuple[float, float, float] | None = None

    @property
    def outcome(self) -> AuditOutcome:
        """Accept/reject; a graded decision of tier high counts as a rejection."""
        if isinstance(self.label, AuditOutcome):
            return self.label
        return AuditOutcome.REJECT if self.label is RiskTier.HIGH else AuditOutcome.ACCEPT

    def audit_request(self, auditor_id: str = "auditor-01", delay: timedelta = timedelta(hours=4)) -> AuditRequest:
        """The auditor's decision as the body of `PUT /applications/{id}/audit` (for demos and replays)."""
        return AuditRequest(
            outcome=self.outcome, auditor_id=auditor_id, decided_at=self.application.submitted_at + delay
        )

    def to_row(self) -> dict[str, Any]:
        """A flat training-file row: the canonical Application fields plus the label columns."""
        row = self.application.model_dump(mode="json")
        row.update(label=self.label.value, true_probability=self.true_probability, protected_group=self.protected_group)
        if self.true_tier_probabilities is not None:
            row.update({f"true_p_{t.value}": p for t, p in zip(TIER_ORDER, self.true_tier_probabilities, strict=True)})
        return row


def _choice(rng: np.random.Generator, table: dict[Any, Any], n: int, weight: Any = lambda v: v) -> np.ndarray:
    keys = list(table)
    weights = np.array([weight(table[k]) for k in keys], dtype=float)
    idx = rng.choice(len(keys), size=n, p=weights / weights.sum())
    return np.array([str(k) if not isinstance(k, int) else k for k in keys], dtype=object)[idx]


def financial_columns(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The financial facts (one array per FinancialFacts field) plus `age` and `protected_group`."""
    group = np.where(rng.random(n) < 0.3, PROTECTED_GROUPS[1], PROTECTED_GROUPS[0]).astype(object)
    quality = rng.normal(size=n)  # latent credit quality: drives the credit-file facts together
    age = np.clip(np.round(rng.gamma(9.0, 4.6, size=n)), 19, 85).astype(int)

    employment = _choice(rng, EMPLOYMENT, n, lambda v: v[0])
    employment = np.where((age >= 67) & (rng.random(n) < 0.7), "retired", employment)
    employment = np.where((age <= 24) & (rng.random(n) < 0.35), "student", employment).astype(object)
    median = np.array([EMPLOYMENT[e][1] for e in employment])
    sd = np.array([EMPLOYMENT[e][2] for e in employment])
    age_curve = np.clip(0.65 + 0.025 * (age - 22), 0.65, 1.25)  # earnings rise with experience
    income = median * age_curve * np.exp(sd * rng.normal(size=n) + 0.15 * quality)
    income *= np.where(group == PROTECTED_GROUPS[1], 0.9, 1.0)  # the proxy the fairness report watches
    income = np.clip(np.round(income, -2), 0, 10_000_000)

    working = np.isin(employment, ["employed", "self_employed"])
    emp_len = np.where(working, np.minimum(rng.geometric(0.15, size=n) - 1, age - 18), 0)
    emp_len = np.clip(emp_len, 0, 60)

    verification = np.where(
        rng.random(n) < np.clip(0.25 + income / 400_000, 0, 0.8),
        "verified",
        np.where(rng.random(n) < 0.5, "source_verified", "not_verified"),
    ).astype(object)
    owns = rng.random(n) < np.clip(0.08 + 0.012 * (age - 25) + income / 500_000, 0.02, 0.85)
    home = np.where(owns, np.where(rng.random(n) < 0.75, "mortgage", "own"), "rent")
    home = np.where(rng.random(n) < 0.03, "other", home).astype(object)

    history = np.round(np.clip((age - 18) * rng.beta(4, 2, size=n), 0, 80), 1)
    delinq = rng.poisson(np.exp(-1.9 - 0.8 * quality))
    delinq = np.minimum(delinq, 50)
    msld = np.where(
        delinq > 0,
        rng.integers(0, 25, size=n),
        np.where(rng.random(n) < 0.3, rng.integers(25, 121, size=n), -1),
    ).astype(float)
    msld[msld < 0] = np.nan
    inquiries = np.minimum(rng.poisson(np.exp(0.1 - 0.35 * quality)), 100)
    total_lines = np.minimum(2 + rng.poisson(3 + 0.7 * history), 200)
    open_lines = rng.binomial(total_lines, np.clip(0.45 - 0.05 * quality, 0.1, 0.9))
    util = np.clip(100 * rng.beta(2, 2.4, size=n) - 14 * quality, 0, 150).round(1)
    bankruptcies = np.where(rng.random(n) < 1 / (1 + np.exp(3.2 + 0.9 * quality)), rng.integers(1, 3, size=n), 0)
    dti = np.clip(
        rng.gamma(3.2, 5.6, size=n) * np.where(np.isin(employment, ["unemployed", "student"]), 1.6, 1.0), 0, 100
    )
    dti = dti.round(2)

    purpose = _choice(rng, PURPOSES, n, lambda v: v[0])
    share = np.array([PURPOSES[p][1] for p in purpose])
    loan = share * np.maximum(income, 15_000) * np.exp(0.5 * rng.normal(size=n))
    loan = np.clip(np.round(loan / 25) * 25, 500, 100_000)
    term = _choice(rng, TERMS, n).astype(int)
    joint = np.where(rng.random(n) < 0.08, "joint", "individual").astype(object)

    return {
        "annual_income": income.astype(float),
        "income_verification": verification,
        "employment_status": employment,
        "employment_length_years": emp_len.astype(int),
        "home_ownership": home,
        "debt_to_income": dti.astype(float),
        "delinquencies_2y": delinq.astype(int),
        "inquiries_last_12m": inquiries.astype(int),
        "open_credit_lines": open_lines.astype(int),
        "total_credit_lines": total_lines.astype(int),
        "revolving_utilization": util.astype(float),
        "credit_history_years": history.astype(float),
        "public_record_bankruptcies": bankruptcies.astype(int),
        "months_since_last_delinquency": msld,
        "loan_amount": loan.astype(float),
        "loan_term_months": term,
        "loan_purpose": purpose,
        "application_type": joint,
        "age": age,
        "protected_group": group,
    }


def _ssn(rng: np.random.Generator) -> str:
    area = int(rng.integers(1, 900))
    area = 667 if area == 666 else area  # 000, 666 and 9xx are never issued
    return f"{area:03d}{int(rng.integers(1, 100)):02d}{int(rng.integers(1, 10_000)):04d}"


def _identity(rng: np.random.Generator, age: int, submitted_at: datetime) -> dict[str, Any]:
    first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(LAST_NAMES))
    state = str(rng.choice(list(CITIES)))
    born = submitted_at.date() - timedelta(days=int(age * 365.25 + rng.integers(1, 360)))
    born = date(born.year, born.month, min(born.day, 28))
    handle = f"{first}.{last}{int(rng.integers(1, 100))}".lower()
    return {
        "first_name": first,
        "last_name": last,
        "date_of_birth": born,
        "email": f"{handle}@{rng.choice(EMAIL_DOMAINS)}",
        "phone": f"+1{int(rng.integers(2, 10))}{int(rng.integers(0, 10**9)):09d}",
        "national_id": _ssn(rng),
        "address": {
            "street": f"{int(rng.integers(1, 9999))} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
            "city": str(rng.choice(CITIES[state])),
            "state": state,
            "postal_code": f"{int(rng.integers(1001, 99951)):05d}",
        },
    }


def _application_id(rng: np.random.Generator) -> str:
    return "".join(rng.choice(list(string.hexdigits[:16]), size=32))


def generate(n: int, seed: int = 0, labels: str = "binary") -> list[LabeledApplication]:
    """`n` labeled applications; the same `(n, seed, labels)` always gives the same applications and labels.

    Both label modes draw the same applications (one uniform draw per label), so they differ only in labels.
    """
    if labels not in LABEL_MODES:
        raise ValueError(f"labels must be one of {', '.join(LABEL_MODES)}, not {labels!r}")
    rng = np.random.default_rng(seed)
    cols = financial_columns(n, rng)
    u = rng.random(n)
    if labels == "graded":
        p_tiers = tier_probabilities(cols)
        tier_index = (u[:, None] >= np.cumsum(p_tiers, axis=1)[:, :2]).sum(axis=1)
        p_reject = p_tiers[:, 2]
    else:
        p_reject = reject_probability(cols)
        rejected = u < p_reject
    channels = _choice(rng, CHANNEL_WEIGHTS, n)
    offsets = rng.integers(0, 28 * 24 * 3600, size=n)
    facts = [c for c in cols if c not in ("age", "protected_group")]

    out: list[LabeledApplication] = []
    for i in range(n):
        submitted_at = REFERENCE_TIME + timedelta(seconds=int(offsets[i]))
        row = {f: cols[f][i].item() if hasattr(cols[f][i], "item") else cols[f][i] for f in facts}
        if np.isnan(row["months_since_last_delinquency"]):
            row["months_since_last_delinquency"] = None
        else:
            row["months_since_last_delinquency"] = int(row["months_since_last_delinquency"])
        application = Application(
            application_id=_application_id(rng),
            channel=channels[i],
            submitted_at=submitted_at,
            applicant=_identity(rng, int(cols["age"][i]), submitted_at),
            **row,
        )
        if labels == "graded":
            label: AuditOutcome | RiskTier = TIER_ORDER[int(tier_index[i])]
            true_tiers: tuple[float, float, float] | None = tuple(float(v) for v in p_tiers[i])  # type: ignore[assignment]
        else:
            label, true_tiers = AuditOutcome.REJECT if rejected[i] else AuditOutcome.ACCEPT, None
        out.append(
            LabeledApplication(
                application=application,
                label=label,
                true_probability=float(p_reject[i]),
                protected_group=str(cols["protected_group"][i]),
                true_tier_probabilities=true_tiers,
            )
        )
    return out
