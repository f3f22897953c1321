"""What the model says about an application, and what the auditor finally decided."""

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from .application import ApplicationId
from .base import StrictModel, UtcDatetime, utc_now
from .enums import TIER_TO_HINT, AuditOutcome, DecisionHint, RiskTier
from .version import SCHEMA_VERSION, SchemaVersion

ReasonCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,47}$")]
ModelVersion = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:+-]+$")]


TIER_PROBABILITY_TOLERANCE = 1e-3  # the model rounds each probability to 6 decimals


class TierProbabilities(StrictModel):
    """The model's probability of each risk tier; they sum to 1."""

    low: float = Field(ge=0, le=1)
    medium: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> Self:
        total = self.low + self.medium + self.high
        if abs(total - 1.0) > TIER_PROBABILITY_TOLERANCE:
            raise ValueError(f"tier probabilities must sum to 1 (within {TIER_PROBABILITY_TOLERANCE}), not {total:.6f}")
        return self


class RiskAssessment(StrictModel):
    """The model's verdict. `probability` is the probability that an auditor would reject.

    `tier_probabilities` (schema 1.1, optional: 1.0 records have none) is the model's probability of each
    tier; `tier` is the one its decision policy serves (see docs/CONTRACTS.md for how a binary model fills it).
    """

    schema_version: SchemaVersion = SCHEMA_VERSION
    application_id: ApplicationId
    probability: float = Field(ge=0, le=1)
    tier: RiskTier
    decision_hint: DecisionHint
    reason_codes: list[ReasonCode] = Field(default_factory=list, max_length=5)
    model_version: ModelVersion
    scored_at: UtcDatetime
    latency_ms: float | None = Field(default=None, ge=0, description="endpoint round trip seen by the caller")
    tier_probabilities: TierProbabilities | None = None

    @model_validator(mode="after")
    def _hint_follows_tier(self) -> Self:
        if self.decision_hint is not TIER_TO_HINT[self.tier]:
            raise ValueError(f"decision_hint for tier {self.tier} must be {TIER_TO_HINT[self.tier]}")
        return self


AuditorId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._@-]{2,64}$")]
# Who decided, as the API authenticated them: an IAM principal ARN (`userArn`, else `caller`) or a Cognito
# user pool subject/username. Records of schema 1.0 carry the older, narrower AuditorId form, which fits.
Principal = Annotated[str, Field(min_length=2, max_length=2048, pattern=r"^[\x21-\x7e]+$")]
# An auditor's grade, in the vocabulary the deployment configures (three tiers, or letter grades A to G).
AuditGrade = Annotated[str, Field(pattern=r"^[A-Za-z0-9+-]{1,16}$")]
# The auditor's free-text note: kept with the decision in the table's audit history (encrypted), never
# copied to the lake, the warehouse or a log line (it may quote the applicant).
AuditNote = Annotated[str, Field(min_length=1, max_length=1000)]


class AuditRequest(StrictModel):
    """Body of `PUT /applications/{id}/audit`: an auditor's final decision, binary and optionally graded.

    The API refuses `auditor_id` in a body: who decided comes from the authenticated principal. The
    field stays for offline label files (e.g. the synthetic generator), which no API ever accepts.
    """

    outcome: AuditOutcome
    grade: AuditGrade | None = Field(default=None, description="a grade of the configured vocabulary")
    auditor_id: AuditorId | None = Field(default=None, description="offline label files only; refused by the API")
    decided_at: UtcDatetime = Field(default_factory=utc_now)
    reason_code: ReasonCode | None = None
    note: AuditNote | None = Field(default=None, description="optional free text; never leaves the table")


class AuditDecision(StrictModel):
    """An auditor's final decision on one application: the model's training label.

    `grade` is the auditor's grade as given and `grade_tier` the tier the configured vocabulary maps
    it to; both are absent for a binary decision (and in schema 1.0 records).
    """

    schema_version: SchemaVersion = SCHEMA_VERSION
    application_id: ApplicationId
    outcome: AuditOutcome
    grade: AuditGrade | None = None
    grade_tier: RiskTier | None = None
    auditor_id: Principal
    auditor_source: Literal["iam", "cognito"] | None = Field(default=None, description="absent in 1.0 records")
    decided_at: UtcDatetime
    recorded_at: UtcDatetime | None = Field(default=None, description="when the API stored it; absent in 1.0 records")
    reason_code: ReasonCode | None = None
    note: AuditNote | None = None

    @model_validator(mode="after")
    def _grade_and_tier_together(self) -> Self:
        if (self.grade is None) != (self.grade_tier is None):
            raise ValueError("grade and grade_tier are given together or not at all")
        return self


class ScoringRequest(StrictModel):
    """SQS message asking the etl function to (re)score a stored application."""

    application_id: ApplicationId
    reason: Literal["scoring_failed", "batch", "rescore"]
    enqueued_at: UtcDatetime = Field(default_factory=utc_now)


class ScoringError(StrictModel):
    """A typed failure from the etl function's synchronous path."""

    kind: Literal["timeout", "throttled", "endpoint_error", "model_rejected", "invalid_input"]
    message: str = Field(max_length=2000)
    retryable: bool


class ScoringResult(StrictModel):
    """The etl function's synchronous answer: an assessment, or a typed error — never both."""

    assessment: RiskAssessment | None = None
    error: ScoringError | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.assessment is None) == (self.error is None):
            raise ValueError("a scoring result carries exactly one of assessment or error")
        return self
