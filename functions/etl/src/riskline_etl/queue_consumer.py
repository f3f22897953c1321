"""SQS scoring consumer (handler `riskline_etl.queue_consumer.handler`).

Each message is a `ScoringRequest`; the item is read from the applications table (the source of
truth — never PII from the message), scored, and written back conditionally. The items of one
batch that need scoring go to the endpoint in one JSON Lines request (`score_stored_batch`). Failed messages are
reported individually (a partial batch response, `riskline_runtime.batch`) so only they are redelivered; after the
queue's redrive limit they land in the DLQ.
"""

from datetime import UTC, datetime
from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from riskline_runtime.applications_table import ApplicationsTable, UnreadableItem
from riskline_runtime.batch import Record, partial_response, sqs_message_id
from riskline_runtime.clients import lazy
from riskline_runtime.observability import entry_point, logger, metrics
from riskline_schema import ScoringRequest, format_problems

from .deadline import deadline_from
from .endpoint import Endpoint
from .errors import ConfigurationError, EtlError, PoisonMessage, ScoringFailure
from .service import score_stored_batch
from .settings import Settings

settings = Settings.from_env()
endpoint = Endpoint.from_settings(settings)
table = ApplicationsTable(lazy("dynamodb"), settings.applications_table)


def _now() -> datetime:
    return datetime.now(UTC)


def _parse(body: str) -> ScoringRequest:
    try:
        return ScoringRequest.model_validate_json(body)
    except ValidationError as exc:
        # Field names and problems only: pydantic's own text would echo the body into the logs.
        problems = format_problems(exc)
        raise PoisonMessage(f"message body is not a ScoringRequest: {problems}") from None


def _score_batch(event: dict[str, Any], context: Any) -> dict[str, tuple[ScoringRequest | None, Any]]:
    """messageId → (its request, its Outcome or the exception it fails with): every parsed request
    scored together, with one endpoint request for all that need scoring."""
    results: dict[str, tuple[ScoringRequest | None, Any]] = {}
    parsed: dict[str, ScoringRequest] = {}
    for raw in event.get("Records") or []:
        try:
            parsed[raw["messageId"]] = _parse(raw.get("body", ""))
        except PoisonMessage as poison:  # fails every time → redelivered → DLQ, never dropped
            results[raw["messageId"]] = (None, poison)
    deadline = deadline_from(context, endpoint.clock())
    outcomes = score_stored_batch(list(parsed.values()), table, endpoint, _now, deadline)
    for (message_id, request), outcome in zip(parsed.items(), outcomes, strict=True):
        results[message_id] = (request, outcome)
    return results


def record_handler(record: Record, results: dict[str, tuple[ScoringRequest | None, Any]]) -> str:
    request, outcome = results[sqs_message_id(record)]
    try:
        if request is not None:
            logger.append_keys(application_id=request.application_id, reason=request.reason)
        if isinstance(outcome, Exception):
            raise outcome
    except ScoringFailure as failure:
        metrics.add_metric(name="ScoringFailed", unit=MetricUnit.Count, value=1)
        logger.warning("scoring failed", extra={"kind": failure.kind, "retryable": failure.retryable})
        raise
    except (EtlError, ConfigurationError, UnreadableItem) as error:
        metrics.add_metric(name="ScoringRequestFailed", unit=MetricUnit.Count, value=1)
        logger.warning("scoring request failed", extra={"error": type(error).__name__, "detail": str(error)})
        raise
    except Exception as error:
        # e.g. DynamoDB throttling: the message is retried; only the type is logged (messages may quote data).
        metrics.add_metric(name="ScoringRequestFailed", unit=MetricUnit.Count, value=1)
        logger.error("scoring request failed unexpectedly", extra={"error": type(error).__name__})
        raise
    finally:
        logger.remove_keys(["application_id", "reason"])
    assert request is not None  # a request that parsed has an outcome
    metrics.add_metric(name=f"Queue{outcome.value.capitalize()}", unit=MetricUnit.Count, value=1)
    logger.info("scoring request done", extra={"outcome": outcome.value, "application_id": request.application_id})
    return outcome.value


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = _score_batch(event, context)
    return partial_response(event.get("Records") or [], partial(record_handler, results=results), sqs_message_id)
