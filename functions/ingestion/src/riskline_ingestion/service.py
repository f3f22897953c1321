"""The service core every channel shares: score → store → answer. Plain typed functions, no event shapes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from riskline_runtime.applications_table import ApplicationsTable
from riskline_runtime.observability import logger
from riskline_schema import (
    FINANCIAL_FIELDS,
    MAX_AMENDMENTS,
    Application,
    ApplicationRecord,
    ApplicationStatus,
    AuditDecision,
    AuditRequest,
    FieldProblem,
    ScoringRequest,
    SupersededVersion,
    utc_now,
)

from . import observability as obs
from .answers import BatchAnswer, SubmissionAnswer
from .auditors import Auditor
from .errors import Conflict, NotAmendable, NotFound, StoreUnavailable, ValidationFailed
from .grades import GradeScale
from .idempotency import content_of
from .queue_sender import ScoringQueue
from .scoring import Scorer

# DynamoDB numbers end at 1e-130: a valid but absurdly small fraction would make the write fail.
SMALLEST_STORED_FRACTION = 1e-100


def storable(application: Application) -> Application:
    """The application with fractions too small for DynamoDB set to 0, so what is scored is what is stored."""
    tiny = {
        name: 0.0
        for name in FINANCIAL_FIELDS
        if isinstance(value := getattr(application, name), float) and 0 < abs(value) < SMALLEST_STORED_FRACTION
    }
    return application.model_copy(update=tiny) if tiny else application


@dataclass(frozen=True)
class Intake:
    """What the service needs from the outside world; tests swap any part."""

    store: ApplicationsTable
    queue: ScoringQueue
    scorer: Scorer
    clock: Callable[[], datetime] = field(default=utc_now)


def _store_new(intake: Intake, record: ApplicationRecord) -> bool:
    try:
        return intake.store.put_new(record)
    except StoreUnavailable:
        obs.count(obs.STORE_FAILURES, record.application.channel.value)
        logger.error(
            "application store write failed",
            extra={"application": obs.without_pii(record.application.model_dump(mode="json"))},
        )
        raise


Reason = Literal["scoring_failed", "batch"]


def _queue(intake: Intake, application_ids: list[str], reason: Reason, channel: str) -> None:
    """Queue ids already stored. A failed send loses nothing: the item is stored PENDING_SCORE, and the
    table's status-index lets operators (or a sweeper) find and requeue it."""
    if not application_ids:
        return
    now = intake.clock()
    requests = [ScoringRequest(application_id=i, reason=reason, enqueued_at=now) for i in application_ids]
    failed = intake.queue.send_all(requests)
    if failed:
        obs.count(obs.QUEUE_SEND_FAILURES, channel, len(failed))
        logger.error("stored but not queued", extra={"application_ids": failed, "status": "PENDING_SCORE"})


def submit(application: Application, intake: Intake) -> SubmissionAnswer:
    """Real-time path: score inline; when that fails, store PENDING_SCORE and queue it."""
    application = storable(application)
    channel = application.channel.value
    assessment = intake.scorer.score(application)
    now = intake.clock()
    record = ApplicationRecord(
        application=application,
        status=ApplicationStatus.SCORED if assessment else ApplicationStatus.PENDING_SCORE,
        assessment=assessment,
        scoring_attempts=1,
        created_at=now,
        updated_at=now,
    )
    if not _store_new(intake, record):
        # Only a replayed id gets here: answer with what is stored rather than overwrite it.
        existing = intake.store.get(application.application_id)
        if existing is None:
            raise StoreUnavailable("the application store gave inconsistent answers; nothing was accepted")
        return SubmissionAnswer.of_record(existing)
    if assessment is not None:
        obs.count(obs.SCORED_INLINE, channel)
        logger.info("scored inline", extra={"tier": assessment.tier.value, "status": "SCORED"})
        return SubmissionAnswer.scored(assessment)
    obs.count(obs.PENDING, channel)
    logger.info("stored for later scoring", extra={"status": "PENDING_SCORE"})
    _queue(intake, [application.application_id], "scoring_failed", channel)
    return SubmissionAnswer.pending(application.application_id)


def resubmit(existing_id: str, application: Application, intake: Intake) -> SubmissionAnswer:
    """A submission with the natural key of a stored application (same applicant, loan, purpose, day).

    The same content is the same submission: answered from what is stored now. Different content is
    a correction: stored as the application's next version (the earlier one kept in `superseded`),
    scored again and answered with the new decision, never with the old one. An application an
    auditor has already decided is not amended (409 naming it): its label belongs to what was decided.
    """
    found = intake.store.read(existing_id)
    if found is None:
        raise StoreUnavailable("the application store gave inconsistent answers; nothing was accepted")
    record, token = found.record, found.updated_at_raw
    if content_of(record.application) == content_of(application):
        return SubmissionAnswer.of_record(record)
    if record.audit is not None:
        raise NotAmendable(
            f"application {existing_id} has the same applicant, loan amount, purpose and day but different "
            "details, and an auditor has already decided it, so it can no longer be amended; contact the "
            "lender to reopen it",
            application_id=existing_id,
        )
    if len(record.superseded) >= MAX_AMENDMENTS:
        raise NotAmendable(f"application {existing_id} was amended {MAX_AMENDMENTS} times", application_id=existing_id)
    amended = storable(
        application.model_copy(update={"application_id": existing_id, "submitted_at": record.application.submitted_at})
    )
    assessment = intake.scorer.score(amended)
    now = intake.clock()
    earlier = SupersededVersion(
        version=record.version,
        application=record.application,
        status=record.status,
        assessment=record.assessment,
        superseded_at=now,
    )
    new = record.model_copy(
        update={
            "application": amended,
            "status": ApplicationStatus.SCORED if assessment else ApplicationStatus.PENDING_SCORE,
            "assessment": assessment,
            "version": record.version + 1,
            "superseded": [*record.superseded, earlier],
            "scoring_attempts": record.scoring_attempts + 1,
            "updated_at": now,
        }
    )
    new = ApplicationRecord.model_validate(new.model_dump())  # re-check the whole item, bounds included
    if not intake.store.replace(new, expected_updated_at=token):
        raise Conflict(
            f"application {existing_id} changed while this correction was applied; send it again",
            application_id=existing_id,
        )
    channel = amended.channel.value
    logger.info("application amended", extra={"version": new.version, "status": new.status.value})
    answer = SubmissionAnswer.of_record(new).model_copy(update={"amended": True})
    if assessment is None:
        obs.count(obs.PENDING, channel)
        _queue(intake, [existing_id], "scoring_failed", channel)
    else:
        obs.count(obs.SCORED_INLINE, channel)
    return answer


def _pending(application: Application, now: datetime) -> ApplicationRecord:
    return ApplicationRecord(
        application=application, status=ApplicationStatus.PENDING_SCORE, created_at=now, updated_at=now
    )


def accept_batch(applications: list[Application], intake: Intake) -> BatchAnswer:
    """A staff-keyed batch: stored all-or-nothing in one transaction, then queued. No inline scoring."""
    now = intake.clock()
    channel = applications[0].channel.value
    records = [_pending(storable(app), now) for app in applications]
    try:
        intake.store.put_all_new(records)
    except StoreUnavailable:
        obs.count(obs.STORE_FAILURES, channel)
        logger.error("application store batch write failed", extra={"count": len(records)})
        raise
    ids = [app.application_id for app in applications]
    obs.count(obs.PENDING, channel, len(ids))
    _queue(intake, ids, "batch", channel)
    return BatchAnswer(count=len(ids), application_ids=ids)


def accept_each(applications: list[Application], intake: Intake) -> list[str]:
    """Store each application (ids are deterministic, so a replay finds its earlier items) and queue it.

    An item already there from an earlier, interrupted run is queued again only while it is still
    PENDING_SCORE (the etl's conditional update makes a second message harmless). Returns the ids."""
    now = intake.clock()
    to_queue: list[str] = []
    for app in applications:
        if _store_new(intake, _pending(storable(app), now)):
            to_queue.append(app.application_id)
            continue
        existing = intake.store.get(app.application_id)
        if existing is not None and existing.status is ApplicationStatus.PENDING_SCORE:
            to_queue.append(app.application_id)
    if applications:
        channel = applications[0].channel.value
        obs.count(obs.PENDING, channel, len(to_queue))
        _queue(intake, to_queue, "batch", channel)
    return [app.application_id for app in applications]


def _audit_view(audit: AuditDecision, decisions: int) -> dict:
    """The label a client may see (who decided stays with operators)."""
    view: dict = {"outcome": audit.outcome.value, "decided_at": audit.decided_at.isoformat(), "decisions": decisions}
    if audit.grade is not None and audit.grade_tier is not None:
        view |= {"grade": audit.grade, "grade_tier": audit.grade_tier.value}
    return view


def status_of(application_id: str, store: ApplicationsTable) -> dict:
    """What a client may see about an application: its progress and verdict, never the applicant."""
    record = store.get(application_id)
    if record is None:
        raise NotFound(f"no application with id {application_id}")
    assessment, audit = record.assessment, record.audit
    view: dict = {
        "application_id": record.application_id,
        "status": record.status.value,
        "channel": record.application.channel.value,
        "submitted_at": record.application.submitted_at.isoformat(),
        "tier": assessment.tier.value if assessment else None,
        "decision_hint": assessment.decision_hint.value if assessment else None,
        "reason_codes": list(assessment.reason_codes) if assessment else [],
        "model_version": assessment.model_version if assessment else None,
        "scored_at": assessment.scored_at.isoformat() if assessment else None,
        "audit": _audit_view(audit, len(record.audits) or 1) if audit else None,
    }
    return view


FUTURE_SKEW = timedelta(minutes=5)  # clocks of auditors' machines differ a little; more is a mistake


def record_audit(
    application_id: str,
    request: AuditRequest,
    auditor: Auditor,
    scale: GradeScale,
    store: ApplicationsTable,
    now: datetime,
) -> AuditDecision:
    """Append an auditor's decision (the latest recorded one is the label); the grade must be in the scale."""
    problems: list[FieldProblem] = []
    grade = tier = None
    if request.grade is not None:
        found = scale.tier_of(request.grade)
        if found is None:
            problems.append(FieldProblem(field="grade", problem=f"must be one of {scale.describe()}"))
        else:
            grade, tier = found
    if request.decided_at > now + FUTURE_SKEW:
        problems.append(FieldProblem(field="decided_at", problem="must not be in the future"))
    if problems:
        raise ValidationFailed("the audit decision has invalid fields", problems)
    decision = AuditDecision(
        application_id=application_id,
        outcome=request.outcome,
        grade=grade,
        grade_tier=tier,
        auditor_id=auditor.principal,
        auditor_source=auditor.source,
        decided_at=request.decided_at,
        recorded_at=now,
        reason_code=request.reason_code,
        note=request.note,
    )
    if store.append_audit(decision, now) is None:
        raise NotFound(f"no application with id {application_id}")
    return decision
