"""Logger, metrics and tracing shared by every entry point.

The X-Ray SDK imports botocore and costs about as much as boto3 itself, so the Tracer is built on
the first invocation rather than at import: module import stays light for cold starts.
"""

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

logger = Logger()

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


@functools.cache
def tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer()


def traced(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`Tracer.capture_lambda_handler`, with the Tracer created on the first invocation.

    Responses and errors stay out of the trace: a Lex answer echoes the slots, an error may quote input."""
    wrapped: Callable[[Any, Any], Any] | None = None

    @functools.wraps(handler)
    def run(event: Any, context: Any) -> Any:
        nonlocal wrapped
        if wrapped is None:
            wrapped = tracer().capture_lambda_handler(handler, capture_response=False, capture_error=False)
        return wrapped(event, context)

    return run


def without_pii(document: dict[str, Any]) -> dict[str, Any]:
    """An application document with the applicant (all of it PII) erased, fit for an error log."""
    from aws_lambda_powertools.utilities.data_masking import DataMasking

    return DataMasking().erase(document, fields=["applicant"])
