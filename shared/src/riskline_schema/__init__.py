"""riskline's shared schema: one canonical Application, channel adapters, model I/O, records."""

from .application import (
    FINANCIAL_FIELDS,
    Address,
    Applicant,
    Application,
    FinancialFacts,
    ModelInput,
    new_application_id,
)
from .assessment import (
    AuditDecision,
    AuditRequest,
    RiskAssessment,
    ScoringError,
    ScoringRequest,
    ScoringResult,
    TierProbabilities,
)
from .base import StrictModel, UtcDatetime, utc_now
from .enums import (
    LOAN_TERMS_MONTHS,
    TIER_TO_HINT,
    ApplicationStatus,
    ApplicationType,
    AuditOutcome,
    Channel,
    DecisionHint,
    EmploymentStatus,
    HomeOwnership,
    IncomeVerification,
    LoanPurpose,
    RiskTier,
)
from .errors import FieldProblem, describe_validation_error
from .record import MAX_AMENDMENTS, ApplicationRecord, LakeRecord, SupersededVersion, applicant_key, auditor_key
from .version import SCHEMA_VERSION

__all__ = [
    "FINANCIAL_FIELDS",
    "LOAN_TERMS_MONTHS",
    "MAX_AMENDMENTS",
    "SCHEMA_VERSION",
    "TIER_TO_HINT",
    "Address",
    "Applicant",
    "Application",
    "ApplicationRecord",
    "ApplicationStatus",
    "ApplicationType",
    "AuditDecision",
    "AuditOutcome",
    "AuditRequest",
    "Channel",
    "DecisionHint",
    "EmploymentStatus",
    "FieldProblem",
    "FinancialFacts",
    "HomeOwnership",
    "IncomeVerification",
    "LakeRecord",
    "LoanPurpose",
    "ModelInput",
    "RiskAssessment",
    "RiskTier",
    "ScoringError",
    "ScoringRequest",
    "ScoringResult",
    "StrictModel",
    "SupersededVersion",
    "TierProbabilities",
    "UtcDatetime",
    "applicant_key",
    "auditor_key",
    "describe_validation_error",
    "new_application_id",
    "utc_now",
]
