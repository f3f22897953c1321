"""The scoring core both entry points share: plain functions, no event shapes, no globals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import partial
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

    def predict_many(self, model_inputs: list[Any], *, deadline: float | None = None) -> list[EndpointAnswer]: ...


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
    return _assessment_of(application, endpoint.predict(application.to_model_input(), deadline=deadline), now)


def assess_many(
    applications: list[Application], endpoint: Predictor, now: Callable[[], datetime], deadline: float | None = None
) -> list[RiskAssessment]:
    """`assess` for several applications in one endpoint request (in order; all or nothing)."""
    answers = endpoint.predict_many([a.to_model_input() for a in applications], deadline=deadline)
    return [_assessment_of(a, answer, now) for a, answer in zip(applications, answers, strict=True)]


def _assessment_of(application: Application, answer: EndpointAnswer, now: Callable[[], datetime]) -> RiskAssessment:
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
    stored = _to_score(request, store)
    if stored is None:
        return Outcome.DUPLICATE
    return _write(request, stored, assess(stored.record.application, endpoint, now, deadline), store, now)


def score_stored_batch(
    requests: list[ScoringRequest],
    store: Store,
    endpoint: Predictor,
    now: Callable[[], datetime],
    deadline: float | None = None,
) -> list[Outcome | Exception]:
    """`score_stored` for a queue batch with one endpoint request for every item that needs scoring:
    per request, in order, its Outcome or the exception its message fails with.

    If the container refuses the combined request (one record it will not take fails them all), each
    is scored alone so that only that one fails. A second request for an application already in the
    batch runs after it, alone, as a redelivery would.
    """
    results: list[Outcome | Exception | None] = [None] * len(requests)
    batch: list[tuple[int, StoredApplication]] = []
    later: list[int] = []
    seen: set[str] = set()
    for index, request in enumerate(requests):
        if request.application_id in seen:
            later.append(index)
            continue
        seen.add(request.application_id)
        try:
            stored = _to_score(request, store)
        except Exception as error:  # reported for this message alone
            results[index] = error
            continue
        if stored is None:
            results[index] = Outcome.DUPLICATE
        else:
            batch.append((index, stored))
    if len(batch) == 1:
        later.insert(0, batch.pop()[0])
    if batch:
        try:
            assessments = assess_many([s.record.application for _, s in batch], endpoint, now, deadline)
        except ScoringFailure as failure:
            if failure.kind == "model_rejected":
                later = [index for index, _ in batch] + later
            else:
                for index, _ in batch:
                    results[index] = failure
        else:
            for (index, stored), assessment in zip(batch, assessments, strict=True):
                results[index] = _outcome(partial(_write, requests[index], stored, assessment, store, now))
    for index in sorted(later):
        results[index] = _outcome(partial(score_stored, requests[index], store, endpoint, now, deadline))
    return [r if r is not None else RuntimeError("request left unscored") for r in results]


def _outcome(step: Callable[[], Outcome]) -> Outcome | Exception:
    try:
        return step()
    except Exception as error:  # reported for this message alone
        return error


def _to_score(request: ScoringRequest, store: Store) -> StoredApplication | None:
    """The stored item to score, or None when it is already scored and this is not a rescore."""
    stored = store.read(request.application_id)
    if stored is None:
        raise UnknownApplication(f"application {request.application_id} is not in the applications table")
    if stored.record.status is ApplicationStatus.SCORED and request.reason != "rescore":
        return None
    return stored


def _write(
    request: ScoringRequest,
    stored: StoredApplication,
    assessment: RiskAssessment,
    store: Store,
    now: Callable[[], datetime],
) -> Outcome:
    if store.save_assessment(stored, assessment, now()):
        return Outcome.RESCORED if stored.record.assessment is not None else Outcome.SCORED
    # The condition failed: someone changed the item meanwhile. If it is now scored, our work is
    # redundant; anything else is unexpected and the message is retried.
    latest = store.read(request.application_id)
    if latest is not None and latest.record.status is ApplicationStatus.SCORED:
        return Outcome.SUPERSEDED
    raise ConcurrentUpdate(f"application {request.application_id} changed during scoring and is not scored")
