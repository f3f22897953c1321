"""`POST /applications` bodies: the web form's canonical JSON and the mobile app's camelCase shape.

The two are told apart by `channel`: absent or "webform" is the web form, "mobile" the app.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from ..application import Applicant, Application, FinancialFacts
from ..base import StrictModel
from ..enums import (
    ApplicationType,
    Channel,
    EmploymentStatus,
    HomeOwnership,
    IncomeVerification,
    LoanPurpose,
)
from ..errors import FieldProblem, describe_validation_error
from .errors import InvalidPayload


class WebFormSubmission(FinancialFacts):
    """The web form posts the canonical fields: a nested `applicant` plus the financial facts."""

    channel: Literal["webform"] = "webform"
    applicant: Applicant


class _Camel(StrictModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False)


class MobileAddress(_Camel):
    street: str
    city: str
    state: str
    postal_code: str


class MobileApplicant(_Camel):
    first_name: str
    last_name: str
    date_of_birth: str
    email: str
    phone: str
    national_id: str
    address: MobileAddress


class MobileEmployment(_Camel):
    status: EmploymentStatus
    length_years: int
    annual_income: float
    income_verification: IncomeVerification


class MobileCredit(_Camel):
    debt_to_income: float
    delinquencies_2y: int = Field(alias="delinquencies2y")
    inquiries_last_12m: int = Field(alias="inquiriesLast12m")
    open_credit_lines: int
    total_credit_lines: int
    revolving_utilization: float
    credit_history_years: float
    public_record_bankruptcies: int
    months_since_last_delinquency: int | None = None


class MobileLoan(_Camel):
    amount: float
    term_months: int
    purpose: LoanPurpose
    application_type: ApplicationType = ApplicationType.INDIVIDUAL


class MobileDevice(_Camel):
    """App metadata; useful in logs, not part of the application."""

    platform: Literal["ios", "android"]
    app_version: str = Field(max_length=32)


class MobileSubmission(_Camel):
    """The mobile app's nested camelCase body."""

    channel: Literal["mobile"]
    applicant: MobileApplicant
    home_ownership: HomeOwnership
    employment: MobileEmployment
    credit: MobileCredit
    loan: MobileLoan
    device: MobileDevice | None = None

    def to_canonical(self) -> dict[str, Any]:
        a, e, c, loan = self.applicant, self.employment, self.credit, self.loan
        return {
            "applicant": a.model_dump(),
            "home_ownership": self.home_ownership,
            "employment_status": e.status,
            "employment_length_years": e.length_years,
            "annual_income": e.annual_income,
            "income_verification": e.income_verification,
            **c.model_dump(),
            "loan_amount": loan.amount,
            "loan_term_months": loan.term_months,
            "loan_purpose": loan.purpose,
            "application_type": loan.application_type,
        }


# Where each canonical field lives in the mobile body, so errors name what the app sent.
_MOBILE_PATHS = {
    "employment_status": "employment.status",
    "employment_length_years": "employment.lengthYears",
    "annual_income": "employment.annualIncome",
    "income_verification": "employment.incomeVerification",
    "loan_amount": "loan.amount",
    "loan_term_months": "loan.termMonths",
    "loan_purpose": "loan.purpose",
    "application_type": "loan.applicationType",
    "home_ownership": "homeOwnership",
} | {name: f"credit.{field.alias or name}" for name, field in MobileCredit.model_fields.items()}


def _mobile_path(canonical: str) -> str:
    head, _, rest = canonical.partition(".")
    if head == "applicant":
        return "applicant." + ".".join(to_camel(part) for part in rest.split("."))
    return _MOBILE_PATHS.get(head, canonical)


def application_from_submission(body: Any, *, application_id: str, submitted_at: datetime) -> Application:
    """Parse a `POST /applications` JSON body (already decoded) into an Application."""
    if not isinstance(body, dict):
        raise InvalidPayload([FieldProblem(field="(body)", problem="must be a JSON object")])
    ids = {"application_id": application_id, "submitted_at": submitted_at}
    if body.get("channel") == "mobile":
        try:
            canonical = MobileSubmission.model_validate(body).to_canonical()
        except ValidationError as exc:
            raise InvalidPayload(describe_validation_error(exc)) from None
        try:
            return Application.model_validate({**canonical, **ids, "channel": Channel.MOBILE})
        except ValidationError as exc:
            problems = describe_validation_error(exc)
            raise InvalidPayload(
                [FieldProblem(field=_mobile_path(p.field), problem=p.problem) for p in problems]
            ) from None
    try:
        form = WebFormSubmission.model_validate(body)
    except ValidationError as exc:
        raise InvalidPayload(describe_validation_error(exc)) from None
    try:
        return Application.model_validate({**form.model_dump(exclude={"channel"}), **ids, "channel": Channel.WEBFORM})
    except ValidationError as exc:
        raise InvalidPayload(describe_validation_error(exc)) from None
