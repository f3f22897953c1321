"""The canonical Application, whatever channel it came from, and its PII-free projection."""

import re
import uuid
from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .base import StrictModel, UtcDatetime
from .enums import (
    LOAN_TERMS_MONTHS,
    US_STATES,
    ApplicationType,
    Channel,
    EmploymentStatus,
    HomeOwnership,
    IncomeVerification,
    LoanPurpose,
)
from .version import SCHEMA_VERSION, SchemaVersion

ApplicationId = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$", description="8-64 characters: letters, digits, - and _")
]

_PHONE_SEPARATORS = re.compile(r"[\s().-]")


def _normalise_phone(value: object) -> object:
    return _PHONE_SEPARATORS.sub("", value) if isinstance(value, str) else value


def _normalise_national_id(value: object) -> object:
    return value.replace("-", "").replace(" ", "") if isinstance(value, str) else value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _known_state(value: str) -> str:
    if value not in US_STATES:
        raise ValueError(f"'{value}' is not a US state or territory code")
    return value


def _issuable_ssn(value: str) -> str:
    area, group, serial = value[:3], value[3:5], value[5:]
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise ValueError("national_id is not an issuable SSN (area 000/666/9xx, group 00 or serial 0000)")
    return value


def _known_term(value: int) -> int:
    if value not in LOAN_TERMS_MONTHS:
        raise ValueError(f"loan term must be one of {', '.join(map(str, LOAN_TERMS_MONTHS))} months")
    return value


class Address(StrictModel):
    street: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_known_state)]
    postal_code: str = Field(pattern=r"^\d{5}(-\d{4})?$", description="US ZIP or ZIP+4")


class Applicant(StrictModel):
    """The applicant's identity: all of it is PII and never leaves DynamoDB unmasked."""

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
    phone: Annotated[str, BeforeValidator(_normalise_phone), Field(pattern=r"^\+?[0-9]{10,15}$")]
    address: Address
    national_id: Annotated[
        str,
        BeforeValidator(_normalise_national_id),
        Field(pattern=r"^\d{9}$", description="US SSN, 9 digits (dashes allowed)"),
        AfterValidator(_issuable_ssn),
    ]


DEBT_TO_INCOME_MAX = 1_000.0  # percent: ten times the monthly income in debt payments
UTILIZATION_MAX = 1_000.0  # percent: ten times the credit limit drawn


class FinancialFacts(StrictModel):
    """What the model sees: the financial facts, in common consumer-lending vocabulary."""

    annual_income: float = Field(ge=0, le=10_000_000, description="gross annual income, USD")
    income_verification: IncomeVerification
    employment_status: EmploymentStatus
    employment_length_years: int = Field(ge=0, le=60)
    home_ownership: HomeOwnership
    # Ratios have no natural ceiling: a thin income makes debt-to-income pass 100 % on real bureau files.
    # The upper bounds below only refuse values no bureau produces (and infinities).
    debt_to_income: float = Field(
        ge=0, le=DEBT_TO_INCOME_MAX, description="monthly debt payments / monthly income, percent (can pass 100)"
    )
    delinquencies_2y: int = Field(ge=0, le=50, description="30+ days past-due incidences in the last 2 years")
    inquiries_last_12m: int = Field(ge=0, le=100)
    open_credit_lines: int = Field(ge=0, le=100)
    total_credit_lines: int = Field(ge=0, le=200)
    revolving_utilization: float = Field(
        ge=0, le=UTILIZATION_MAX, description="revolving balance / credit limit, percent (can pass 100)"
    )
    credit_history_years: float = Field(ge=0, le=80, description="years since the earliest credit line")
    public_record_bankruptcies: int = Field(ge=0, le=20)
    months_since_last_delinquency: int | None = Field(default=None, ge=0, le=1200)
    loan_amount: float = Field(ge=500, le=100_000, description="requested amount, USD")
    loan_term_months: Annotated[int, AfterValidator(_known_term)]
    loan_purpose: LoanPurpose
    application_type: ApplicationType = ApplicationType.INDIVIDUAL

    @model_validator(mode="after")
    def _consistent_credit_lines(self) -> Self:
        if self.open_credit_lines > self.total_credit_lines:
            raise ValueError("open_credit_lines cannot exceed total_credit_lines")
        # A delinquency without a months-since count is common on bureau files (the count is a separate,
        # often unreported attribute), so it is not an error: the feature spec treats a missing count as such.
        return self


FINANCIAL_FIELDS: tuple[str, ...] = tuple(FinancialFacts.model_fields)


class ModelInput(FinancialFacts):
    """The PII-free projection sent to the model: financial facts plus routing context."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    application_id: ApplicationId
    channel: Channel


class Application(FinancialFacts):
    """One application in canonical form, whatever channel it arrived on."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    application_id: ApplicationId
    channel: Channel
    submitted_at: UtcDatetime
    applicant: Applicant

    @model_validator(mode="after")
    def _adult_applicant(self) -> Self:
        born, on = self.applicant.date_of_birth, self.submitted_at.date()
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if not 18 <= age <= 120:
            raise ValueError(f"applicant.date_of_birth gives an age of {age}; applicants must be 18 to 120")
        return self

    def to_model_input(self) -> ModelInput:
        return ModelInput(
            application_id=self.application_id,
            channel=self.channel,
            **self.model_dump(include=set(FINANCIAL_FIELDS)),
        )


def new_application_id() -> str:
    """A fresh, unguessable application id (32 hex characters)."""
    return uuid.uuid4().hex
