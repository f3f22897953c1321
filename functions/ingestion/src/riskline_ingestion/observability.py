"""Ingestion's own metrics and log hygiene; the Logger and the tracing are riskline_runtime's.

Each metric goes out on its own (powertools' `single_metric`) so its `channel` dimension is exact.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

# Metric names (namespace from POWERTOOLS_METRICS_NAMESPACE), each with a `channel` dimension.
RECEIVED = "ApplicationsReceived"
SCORED_INLINE = "ScoredInline"
PENDING = "PendingScore"
REJECTED_VALIDATION = "RejectedValidation"
QUEUE_SEND_FAILURES = "QueueSendFailures"
STORE_FAILURES = "StoreFailures"


def count(name: str, channel: str, value: int = 1) -> None:
    """Emit one metric now; a single metric per call keeps its channel dimension exact."""
    if value <= 0:
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=value) as metric:
        metric.add_dimension(name="channel", value=channel)


def without_pii(document: dict[str, Any]) -> dict[str, Any]:
    """An application document with the applicant (all of it PII) erased, fit for an error log."""
    from aws_lambda_powertools.utilities.data_masking import DataMasking

    return DataMasking().erase(document, fields=["applicant"])
