"""Stored shapes: the DynamoDB item every function reads and writes, and the PII-free lake row."""

import hashlib
import hmac
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from .application import FINANCIAL_FIELDS, Applicant, Application, ApplicationId, FinancialFacts
from .assessment import AuditDecision, AuditOutcome, ModelVersion, ReasonCode, RiskAssessment
from .base import StrictModel, UtcDatetime
from .enums import ApplicationStatus, Channel, DecisionHint, RiskTier
from .review import REVIEW_ATTRIBUTES, review_attributes
from .version import SCHEMA_VERSION, SchemaVersion

MAX_AMENDMENTS = 20  # each superseded version stays on the item (≈2 KB each, far below DynamoDB's 400 KB)


class SupersededVersion(StrictModel):
    """An earlier version of an amended application, kept on the item: what it said and how it was scored."""

    version: int = Field(ge=1)
    application: Application
    status: ApplicationStatus
    assessment: RiskAssessment | None = None
    superseded_at: UtcDatetime


class ApplicationRecord(StrictModel):
    """One item of the DynamoDB applications table (partition key `application_id`).

    Top-level `status`, `channel` and `submitted_at` are copied out of the nested documents so
    the status index and stream consumers can use them without parsing the maps. `version`
    counts amendments (1 = as first submitted); `superseded` keeps every earlier version.
    """

    schema_version: SchemaVersion = SCHEMA_VERSION
    application: Application
    status: ApplicationStatus
    assessment: RiskAssessment | None = None
    audit: AuditDecision | None = None  # the label: the latest recorded decision
    audits: list[AuditDecision] = Field(default_factory=list, description="every decision, oldest first")
    scoring_attempts: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)
    superseded: list[SupersededVersion] = Field(default_factory=list, max_length=MAX_AMENDMENTS)
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @property
    def application_id(self) -> str:
        return self.application.application_id

    def to_item(self) -> dict[str, Any]:
        """The item as boto3 wants it (numbers as Decimal, absent documents left out)."""
        doc = json.loads(self.model_dump_json(exclude_none=True), parse_float=Decimal)
        doc["application_id"] = self.application.application_id
        doc["channel"] = self.application.channel.value
        doc["submitted_at"] = doc["application"]["submitted_at"]
        doc.update(review_attributes(self, doc["submitted_at"]))
        return doc

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "ApplicationRecord":
        """Inverse of `to_item` (accepts the Decimals boto3 and the stream deserialiser give)."""
        copied = ("application_id", "channel", "submitted_at", *REVIEW_ATTRIBUTES)
        doc = {k: v for k, v in item.items() if k not in copied}
        return cls.model_validate_json(json.dumps(doc, default=_json_default))


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def applicant_key(applicant: Applicant, secret: bytes) -> str:
    """A keyed hash of who applied: joins across applications without revealing identity."""
    identity = f"{applicant.national_id}|{applicant.date_of_birth.isoformat()}".encode()
    return hmac.new(secret, identity, hashlib.sha256).hexdigest()


def auditor_key(auditor_id: str, secret: bytes) -> str:
    """A keyed hash of who decided: per-auditor analytics in the lake without naming anyone."""
    return hmac.new(secret, f"auditor|{auditor_id}".encode(), hashlib.sha256).hexdigest()


class LakeRecord(FinancialFacts):
    """One row of the data lake and the warehouse: no PII, only keyed hashes of applicant and auditor."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    application_id: ApplicationId
    applicant_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    channel: Channel
    submitted_at: UtcDatetime
    status: ApplicationStatus
    application_version: int = Field(default=1, ge=1, description="1 as first submitted, +1 per amendment")
    probability: float | None = Field(default=None, ge=0, le=1)
    tier: RiskTier | None = None
    decision_hint: DecisionHint | None = None
    reason_codes: list[ReasonCode] = Field(default_factory=list)
    model_version: ModelVersion | None = None
    scored_at: UtcDatetime | None = None
    audit_outcome: AuditOutcome | None = None
    audit_grade: str | None = Field(default=None, max_length=16, description="the auditor's grade as given")
    audit_grade_tier: RiskTier | None = Field(default=None, description="the tier that grade maps to")
    audited_at: UtcDatetime | None = None
    audited_by: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="`auditor_key` of the decision's author"
    )
    updated_at: UtcDatetime

    @classmethod
    def from_record(cls, record: ApplicationRecord, secret: bytes) -> "LakeRecord":
        app, assessment, audit = record.application, record.assessment, record.audit
        return cls(
            application_id=app.application_id,
            applicant_key=applicant_key(app.applicant, secret),
            channel=app.channel,
            submitted_at=app.submitted_at,
            status=record.status,
            application_version=record.version,
            probability=assessment.probability if assessment else None,
            tier=assessment.tier if assessment else None,
            decision_hint=assessment.decision_hint if assessment else None,
            reason_codes=list(assessment.reason_codes) if assessment else [],
            model_version=assessment.model_version if assessment else None,
            scored_at=assessment.scored_at if assessment else None,
            audit_outcome=audit.outcome if audit else None,
            audit_grade=audit.grade if audit else None,
            audit_grade_tier=audit.grade_tier if audit else None,
            audited_at=audit.decided_at if audit else None,
            audited_by=auditor_key(audit.auditor_id, secret) if audit and audit.auditor_id else None,
            updated_at=record.updated_at,
            **app.model_dump(include=set(FINANCIAL_FIELDS)),
        )

    @property
    def partition(self) -> str:
        """Lake partition path: `dt=YYYY-MM-DD/channel=<channel>` (by submission date, UTC)."""
        return f"dt={self.submitted_at.date().isoformat()}/channel={self.channel.value}"
