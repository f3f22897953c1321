"""SQS scoring consumer (handler `riskline_etl.queue_consumer.handler`).

Each message is a `ScoringRequest`; the item is read from the applications table (the source of
truth — never PII from the message), scored, and written back conditionally. Failed messages are
reported individually (powertools partial batch response) so only they are redelivered; after the
queue's redrive limit they land in the DLQ.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

# Keep this import before anything that imports pydantic: powertools' batch module loads its
# pydantic parser models (~50 ms of cold start, unused here) only when pydantic is already loaded.
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from riskline_runtime.applications_table import ApplicationsTable, UnreadableItem
from riskline_runtime.clients import lazy
from riskline_runtime.observability import entry_point, logger, metrics
from riskline_schema import ScoringRequest, format_problems

from .deadline import deadline_from
from .endpoint import Endpoint
from .errors import ConfigurationError, EtlError, PoisonMessage, ScoringFailure
from .service import score_stored
from .settings import Settings

settings = Settings.from_env()
endpoint = Endpoint.from_settings(settings)
table = ApplicationsTable(lazy("dynamodb"), settings.applications_table)
processor = BatchProcessor(event_type=EventType.SQS)


def _now() -> datetime:
    return datetime.now(UTC)


def _parse(body: str) -> ScoringRequest:
    try:
        return ScoringRequest.model_validate_json(body)
    except ValidationError as exc:
        # Field names and problems only: pydantic's own text would echo the body into the logs.
        problems = format_problems(exc)
        raise PoisonMessage(f"message body is not a ScoringRequest: {problems}") from None


def record_handler(record: SQSRecord, lambda_context: Any = None) -> str:
    try:
        request = _parse(record.body)  # a poison message fails every time → redelivered → DLQ, never dropped
        logger.append_keys(application_id=request.application_id, reason=request.reason)
        outcome = score_stored(request, table, endpoint, _now, deadline_from(lambda_context, endpoint.clock()))
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
    metrics.add_metric(name=f"Queue{outcome.value.capitalize()}", unit=MetricUnit.Count, value=1)
    logger.info("scoring request done", extra={"outcome": outcome.value, "application_id": request.application_id})
    return outcome.value


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
