"""Closed vocabularies shared by every channel, the model and the warehouse."""

from enum import StrEnum


class Channel(StrEnum):
    WEBFORM = "webform"
    MOBILE = "mobile"
    CHATBOT = "chatbot"
    PHONE = "phone"
    MAIL = "mail"


class IncomeVerification(StrEnum):
    VERIFIED = "verified"
    SOURCE_VERIFIED = "source_verified"
    NOT_VERIFIED = "not_verified"


class EmploymentStatus(StrEnum):
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    STUDENT = "student"


class HomeOwnership(StrEnum):
    RENT = "rent"
    MORTGAGE = "mortgage"
    OWN = "own"
    OTHER = "other"


class LoanPurpose(StrEnum):
    DEBT_CONSOLIDATION = "debt_consolidation"
    CREDIT_CARD = "credit_card"
    HOME_IMPROVEMENT = "home_improvement"
    MAJOR_PURCHASE = "major_purchase"
    MEDICAL = "medical"
    CAR = "car"
    SMALL_BUSINESS = "small_business"
    OTHER = "other"


class ApplicationType(StrEnum):
    INDIVIDUAL = "individual"
    JOINT = "joint"


class RiskTier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class DecisionHint(StrEnum):
    ACCEPT = "accept"
    REVIEW = "review"
    REJECT = "reject"


class AuditOutcome(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class ApplicationStatus(StrEnum):
    """Lifecycle of a stored application."""

    PENDING_SCORE = "PENDING_SCORE"  # stored, scoring failed or deferred; queued for the etl SQS path
    SCORED = "SCORED"


LOAN_TERMS_MONTHS: tuple[int, ...] = (12, 24, 36, 48, 60)

TIER_TO_HINT: dict[RiskTier, DecisionHint] = {
    RiskTier.LOW: DecisionHint.ACCEPT,
    RiskTier.MEDIUM: DecisionHint.REVIEW,
    RiskTier.HIGH: DecisionHint.REJECT,
}

# US states, DC and the inhabited territories (2-letter USPS codes).
US_STATES: frozenset[str] = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)
