"""The scoring core both entry points share: plain functions, no event shapes, no globals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from riskline_schema import (
    Application,
    ApplicationStatus,
    RiskAssessment,
    ScoringRequest,
    ScoringResult,
    format_problems,
)

from .errors import ConcurrentUpdate, ScoringFailure, UnknownApplication

if TYPE_CHECKING:  # the sync path never loads the DynamoDB adapter
    from riskline_runtime.applications_table import StoredApplication

    from .endpoint import EndpointAnswer


class Predictor(Protocol):
    def predict(self, model_input: Any, *, deadline: float | None = None) -> EndpointAnswer: ...


class Store(Protocol):
    def read(self, application_id: str) -> StoredApplication | None: ...

    def save_assessment(self, stored: StoredApplication, assessment: RiskAssessment, now: datetime) -> bool: ...


class Outcome(StrEnum):
    SCORED = "scored"  # first assessment written
    RESCORED = "rescored"  # a newer assessment replaced the previous one
    DUPLICATE = "duplicate"  # already SCORED and not a rescore: a repeated delivery, nothing to do
    SUPERSEDED = "superseded"  # another writer scored the item while we were scoring it


def assess(
    application: Application, endpoint: Predictor, now: Callable[[], datetime], deadline: float | None = None
) -> RiskAssessment:
    """Extract the PII-free ModelInput, ask the endpoint, and build the RiskAssessment."""
    answer = endpoint.predict(application.to_model_input(), deadline=deadline)
    try:
        return RiskAssessment.model_validate(
            {
                **answer.prediction,
                "application_id": application.application_id,
                "scored_at": now(),
                "latency_ms": answer.latency_ms,
            }
        )
    except ValidationError as exc:
        problems = format_problems(exc)
        raise ScoringFailure("endpoint_error", f"endpoint answered an invalid prediction: {problems}", False) from None


def parse_sync_request(event: object) -> Application:
    """The synchronous payload `{"application": {...}}` (CONTRACTS: ingestion → etl)."""
    if not isinstance(event, dict) or "application" not in event:
        raise ScoringFailure("invalid_input", "payload must be an object with an 'application' field", retryable=False)
    unknown = sorted(str(key) for key in event if key != "application")
    if unknown:
        raise ScoringFailure("invalid_input", f"unknown field(s) in payload: {', '.join(unknown)}", retryable=False)
    try:
        return Application.model_validate(event["application"])
    except ValidationError as exc:
        problems = format_problems(exc, prefix="application")
        raise ScoringFailure("invalid_input", f"invalid application: {problems}", retryable=False) from None


def score_sync(
    event: object, endpoint: Predictor, now: Callable[[], datetime], deadline: float | None = None
) -> ScoringResult:
    """Answer the synchronous call: an assessment or a typed error, never an exception for a scoring failure."""
    try:
        application = parse_sync_request(event)
        return ScoringResult(assessment=assess(application, endpoint, now, deadline))
    except ScoringFailure as failure:
        return ScoringResult(error=failure.to_error())


def score_stored(
    request: ScoringRequest,
    store: Store,
    endpoint: Predictor,
    now: Callable[[], datetime],
    deadline: float | None = None,
) -> Outcome:
    """Score a stored application named by an SQS request and write the assessment back.

    Raises UnknownApplication or ScoringFailure: the message then fails and SQS redelivers it
    (and, after the redrive limit, moves it to the DLQ) — a failure is never swallowed.
    """
    stored = store.read(request.application_id)
    if stored is None:
        raise UnknownApplication(f"application {request.application_id} is not in the applications table")
    record = stored.record
    if record.status is ApplicationStatus.SCORED and request.reason != "rescore":
        return Outcome.DUPLICATE
    assessment = assess(record.application, endpoint, now, deadline)
    if store.save_assessment(stored, assessment, now()):
        return Outcome.RESCORED if record.assessment is not None else Outcome.SCORED
    # The condition failed: someone changed the item meanwhile. If it is now scored, our work is
    # redundant; anything else is unexpected and the message is retried.
    latest = store.read(request.application_id)
    if latest is not None and latest.record.status is ApplicationStatus.SCORED:
        return Outcome.SUPERSEDED
    raise ConcurrentUpdate(f"application {request.application_id} changed during scoring and is not scored")
