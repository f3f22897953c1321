"""Synchronous scoring, invoked by the ingestion function (handler `riskline_etl.sync.handler`).

Payload `{"application": {...}}` → `ScoringResult` JSON. Scoring failures are answered as a typed
error, never raised: the caller then stores the application PENDING_SCORE and queues it.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from riskline_runtime.observability import entry_point, logger, metrics

from .deadline import deadline_from
from .endpoint import Endpoint
from .service import score_sync
from .settings import Settings

settings = Settings.from_env()
endpoint = Endpoint.from_settings(settings)  # client created once, reused by warm invocations


def _now() -> datetime:
    return datetime.now(UTC)


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    application = event.get("application") if isinstance(event, dict) else None
    if isinstance(application, dict) and isinstance(application.get("application_id"), str):
        logger.set_correlation_id(application["application_id"])
    result = score_sync(event, endpoint, _now, deadline_from(context, endpoint.clock()))
    if result.assessment is not None:
        metrics.add_metric(name="Scored", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="EndpointLatency", unit=MetricUnit.Milliseconds, value=result.assessment.latency_ms)
        logger.info("scored", extra={"tier": result.assessment.tier, "latency_ms": result.assessment.latency_ms})
    else:
        assert result.error is not None
        metrics.add_metric(name="ScoringFailed", unit=MetricUnit.Count, value=1)
        # The message names fields and endpoint codes only (ModelInput and errors carry no PII).
        logger.warning("scoring failed", extra={"kind": result.error.kind, "retryable": result.error.retryable})
    return result.model_dump(mode="json", exclude_none=True)
