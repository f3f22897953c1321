"""What each path answers; the idempotency layer stores these, so a duplicate gets the same answer."""

from pydantic import Field

from riskline_schema import ApplicationRecord, ApplicationStatus, DecisionHint, RiskAssessment, RiskTier, StrictModel


class SubmissionAnswer(StrictModel):
    """The answer to one application: scored inline (SCORED) or stored to be scored later (PENDING_SCORE)."""

    application_id: str
    status: ApplicationStatus
    tier: RiskTier | None = None
    decision_hint: DecisionHint | None = None
    probability: float | None = None
    reason_codes: list[str] = Field(default_factory=list)
    model_version: str | None = None
    # Set only once an application has been amended (version 2 and up); absent means version 1.
    version: int | None = Field(default=None, ge=2, description="+1 per amendment")
    amended: bool | None = Field(default=None, description="true on the answer that applied a correction")

    @classmethod
    def pending(cls, application_id: str, version: int = 1) -> "SubmissionAnswer":
        return cls(application_id=application_id, status=ApplicationStatus.PENDING_SCORE, version=_shown(version))

    @classmethod
    def scored(cls, assessment: RiskAssessment, version: int = 1) -> "SubmissionAnswer":
        return cls(
            version=_shown(version),
            application_id=assessment.application_id,
            status=ApplicationStatus.SCORED,
            tier=assessment.tier,
            decision_hint=assessment.decision_hint,
            probability=assessment.probability,
            reason_codes=list(assessment.reason_codes),
            model_version=assessment.model_version,
        )

    @classmethod
    def of_record(cls, record: ApplicationRecord) -> "SubmissionAnswer":
        if record.assessment is not None:
            return cls.scored(record.assessment, record.version)
        return cls.pending(record.application_id, record.version)

    @property
    def is_scored(self) -> bool:
        return self.status is ApplicationStatus.SCORED


def _shown(version: int) -> int | None:
    return version if version > 1 else None


class BatchAnswer(StrictModel):
    """A staff-keyed batch: every application stored PENDING_SCORE and queued, ids in input order."""

    status: ApplicationStatus = ApplicationStatus.PENDING_SCORE
    count: int
    application_ids: list[str]
