"""The feature spec: a small JSON document fitted on training data, and the numpy transform it drives.

Training and both serving paths call the same `FeatureSpec.transform`, so what the model saw at
training time is exactly what it sees in production (no train/serve skew). The transform is
vectorised numpy over columns; a request of one application costs a few microseconds of it.
"""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SPEC_VERSION = 1
NUMERIC = (
    "annual_income",
    "employment_length_years",
    "debt_to_income",
    "delinquencies_2y",
    "inquiries_last_12m",
    "open_credit_lines",
    "total_credit_lines",
    "revolving_utilization",
    "credit_history_years",
    "public_record_bankruptcies",
    "months_since_last_delinquency",
    "loan_amount",
    "loan_term_months",
)
CATEGORICAL = ("income_verification", "employment_status", "home_ownership", "loan_purpose", "application_type")
DERIVED = ("has_delinquency_record", "loan_to_income", "payment_to_income", "total_debt_to_income", "open_lines_ratio")
FEATURES = NUMERIC + CATEGORICAL + DERIVED
_INCOME, _DTI, _OPEN, _TOTAL, _MSLD, _LOAN, _TERM = (
    NUMERIC.index(f)
    for f in (
        "annual_income",
        "debt_to_income",
        "open_credit_lines",
        "total_credit_lines",
        "months_since_last_delinquency",
        "loan_amount",
        "loan_term_months",
    )
)
INPUT_FIELDS = NUMERIC + CATEGORICAL

# What each feature means when it pushes a decision toward reject (UPPER_SNAKE, RiskAssessment's pattern).
REASON_CODES = {
    "annual_income": "LOW_INCOME",
    "employment_length_years": "SHORT_EMPLOYMENT",
    "debt_to_income": "HIGH_DEBT_TO_INCOME",
    "delinquencies_2y": "RECENT_DELINQUENCIES",
    "inquiries_last_12m": "MANY_CREDIT_INQUIRIES",
    "open_credit_lines": "OPEN_CREDIT_LINES",
    "total_credit_lines": "FEW_CREDIT_LINES",
    "revolving_utilization": "HIGH_REVOLVING_UTILIZATION",
    "credit_history_years": "SHORT_CREDIT_HISTORY",
    "public_record_bankruptcies": "PUBLIC_RECORD_BANKRUPTCY",
    "months_since_last_delinquency": "RECENT_DELINQUENCY",
    "loan_amount": "HIGH_LOAN_AMOUNT",
    "loan_term_months": "LONG_LOAN_TERM",
    "income_verification": "INCOME_VERIFICATION",
    "employment_status": "EMPLOYMENT_STATUS",
    "home_ownership": "HOME_OWNERSHIP",
    "loan_purpose": "LOAN_PURPOSE",
    "application_type": "APPLICATION_TYPE",
    "has_delinquency_record": "DELINQUENCY_ON_RECORD",
    "loan_to_income": "HIGH_LOAN_TO_INCOME",
    "payment_to_income": "HIGH_PAYMENT_TO_INCOME",
    "total_debt_to_income": "HIGH_TOTAL_DEBT_TO_INCOME",
    "open_lines_ratio": "HIGH_OPEN_LINES_RATIO",
}


class FeatureSpecError(ValueError):
    """Input the spec cannot transform (names the field)."""


def _numeric(values: Sequence[Any]) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):  # None for a missing optional value
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


@dataclass(frozen=True)
class FeatureSpec:
    """Fitted imputation values, categorical codes and constants of the derived ratios."""

    fill: dict[str, float]  # numeric field -> value used when it is missing
    categories: dict[str, list[str]]  # categorical field -> categories, coded 0..k-1 by rising reject rate
    unknown_category: dict[str, str]  # categorical field -> category an unseen value is coded as
    income_floor: float = 1_000.0  # ratios divide by max(income, floor): zero income stays finite
    apr: float = 0.12  # nominal rate used to price the new loan's monthly payment
    features: tuple[str, ...] = FEATURES
    reason_codes: dict[str, str] = field(default_factory=lambda: dict(REASON_CODES))
    _codes: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)
    _fill_vector: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = {f: {c: float(i) for i, c in enumerate(cats)} for f, cats in self.categories.items()}
        object.__setattr__(self, "_codes", codes)
        object.__setattr__(self, "_fill_vector", np.array([self.fill[f] for f in NUMERIC], dtype=np.float64))

    @property
    def n_features(self) -> int:
        return len(self.features)

    # -- fitting and persistence -------------------------------------------------------------

    @classmethod
    def fit(cls, columns: Mapping[str, Sequence[Any]], target: np.ndarray) -> "FeatureSpec":
        """Fit on training columns (one sequence per FinancialFacts field) and the 0/1 target."""
        fill: dict[str, float] = {}
        for name in NUMERIC:
            values = _numeric(columns[name])
            observed = values[~np.isnan(values)]
            if name == "months_since_last_delinquency":
                # Missing means "no delinquency on record": place it beyond every observed value.
                fill[name] = float(observed.max() + 12) if observed.size else 240.0
            else:
                fill[name] = float(np.median(observed)) if observed.size else 0.0
        categories: dict[str, list[str]] = {}
        unknown: dict[str, str] = {}
        prior = float(np.mean(target))
        for name in CATEGORICAL:
            values = np.asarray([str(v) for v in columns[name]], dtype=object)
            levels, counts = np.unique(values, return_counts=True)
            # Smoothed reject rate orders the codes, so a split on the code separates risk.
            rates = [
                (float(target[values == lv].sum()) + 20 * prior) / (c + 20)
                for lv, c in zip(levels, counts, strict=True)
            ]
            order = np.argsort(rates, kind="stable")
            categories[name] = [str(levels[i]) for i in order]
            unknown[name] = str(levels[int(np.argmax(counts))])
        return cls(fill=fill, categories=categories, unknown_category=unknown)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec_version": SPEC_VERSION,
            "features": list(self.features),
            "fill": self.fill,
            "categories": self.categories,
            "unknown_category": self.unknown_category,
            "income_floor": self.income_floor,
            "apr": self.apr,
            "reason_codes": self.reason_codes,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "FeatureSpec":
        if doc.get("spec_version") != SPEC_VERSION:
            raise FeatureSpecError(f"feature spec version {doc.get('spec_version')!r} is not {SPEC_VERSION}")
        if tuple(doc["features"]) != FEATURES:
            raise FeatureSpecError("feature spec lists features this code does not compute")
        return cls(
            fill={k: float(v) for k, v in doc["fill"].items()},
            categories={k: list(v) for k, v in doc["categories"].items()},
            unknown_category=dict(doc["unknown_category"]),
            income_floor=float(doc["income_floor"]),
            apr=float(doc["apr"]),
            reason_codes=dict(doc["reason_codes"]),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> "FeatureSpec":
        return cls.from_dict(json.loads(path.read_text()))

    # -- the transform -----------------------------------------------------------------------

    def transform(self, columns: Mapping[str, Sequence[Any]]) -> np.ndarray:
        """Columns of raw facts -> float32 feature matrix (rows, `n_features`), in `features` order."""
        name = NUMERIC[0]
        try:
            numeric = np.empty((len(columns[name]), len(NUMERIC)), dtype=np.float64)
            for j, name in enumerate(NUMERIC):
                numeric[:, j] = _numeric(columns[name])
            categorical = [columns[name] for name in CATEGORICAL]
        except KeyError as exc:
            raise FeatureSpecError(f"missing field: {exc.args[0]}") from None
        except (TypeError, ValueError) as exc:
            raise FeatureSpecError(f"field {name}: {exc}") from None
        return self._assemble(numeric, categorical)

    def transform_records(self, records: Sequence[Any]) -> np.ndarray:
        """Objects with the facts as attributes (e.g. validated `ModelInput`s) -> feature matrix.

        The serving hot path: one small list-of-rows conversion instead of a column per field.
        """
        nan = math.nan
        numeric = np.array(
            [[nan if (v := getattr(r, f)) is None else v for f in NUMERIC] for r in records], dtype=np.float64
        ).reshape(len(records), len(NUMERIC))
        categorical = [[getattr(r, f) for r in records] for f in CATEGORICAL]
        return self._assemble(numeric, categorical)

    def _assemble(self, numeric: np.ndarray, categorical: Sequence[Sequence[Any]]) -> np.ndarray:
        """Imputation, categorical codes and derived ratios: the one place features are computed."""
        n, k = numeric.shape[0], len(NUMERIC)
        out = np.empty((n, len(FEATURES)), dtype=np.float64)
        missing_delinquency = np.isnan(numeric[:, _MSLD])
        out[:, :k] = np.where(np.isnan(numeric), self._fill_vector, numeric)
        for j, (name, values) in enumerate(zip(CATEGORICAL, categorical, strict=True), start=k):
            codes = self._codes[name]
            default = codes[self.unknown_category[name]]
            out[:, j] = [codes.get(v, default) for v in values]
        j = k + len(CATEGORICAL)
        income = np.maximum(out[:, _INCOME], self.income_floor)
        loan, term = out[:, _LOAN], out[:, _TERM]
        r = self.apr / 12.0
        payment = loan * r / (1.0 - (1.0 + r) ** (-np.maximum(term, 1.0)))
        payment_to_income = 100.0 * payment * 12.0 / income
        out[:, j] = ~missing_delinquency
        out[:, j + 1] = loan / income
        out[:, j + 2] = payment_to_income
        out[:, j + 3] = out[:, _DTI] + payment_to_income
        out[:, j + 4] = out[:, _OPEN] / np.maximum(out[:, _TOTAL], 1.0)
        return out.astype(np.float32)
