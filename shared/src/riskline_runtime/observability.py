"""One observability setup for every function: powertools' Logger and Metrics (service and namespace
from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE) and X-Ray tracing through its Tracer.

The Tracer is made on the first invocation, not at import: the X-Ray SDK imports botocore and costs
about as much as boto3 itself, and only botocore is patched (patching every library the SDK knows
costs cold-start time for nothing). Responses and errors stay out of traces: answers may echo input.
Needs aws-lambda-powertools, which every function declares (the serving image never imports this).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

F = TypeVar("F", bound=Callable[..., Any])

logger = Logger()
metrics = Metrics()


@functools.cache
def tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer(patch_modules=["botocore"])


def _wrapped_on_first_call(function: F, wrap: Callable[[F], F]) -> F:
    wrapped: F | None = None

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        nonlocal wrapped
        if wrapped is None:
            wrapped = wrap(function)
        return wrapped(*args, **kwargs)

    return run  # type: ignore[return-value]


def traced(handler: F) -> F:
    """`Tracer.capture_lambda_handler`, with the Tracer made on the first invocation."""
    return _wrapped_on_first_call(
        handler, lambda h: tracer().capture_lambda_handler(h, capture_response=False, capture_error=False)
    )


def traced_method(function: F) -> F:
    """`Tracer.capture_method` for a step worth its own subsegment (made on first call, like `traced`)."""
    return _wrapped_on_first_call(
        function, lambda f: tracer().capture_method(f, capture_response=False, capture_error=False)
    )


def entry_point(*, with_metrics: bool = True) -> Callable[[F], F]:
    """What every handler wears, outermost first: the log context (cleared per invocation), the trace,
    and the metrics flushed as one EMF document when it returns. `with_metrics=False` for handlers
    that emit their metrics one by one (powertools' `single_metric`)."""

    def decorate(handler: F) -> F:
        inner = metrics.log_metrics(handler) if with_metrics else handler
        return logger.inject_lambda_context(traced(inner), clear_state=True)  # type: ignore[return-value]

    return decorate
