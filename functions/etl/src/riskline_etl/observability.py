"""One Logger, Tracer and Metrics for the package (service and namespace come from POWERTOOLS_*)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Only botocore is patched: it is the only client library the etl calls (patching every library
# X-Ray supports costs cold-start time for nothing).
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()


def deadline_from(context: object, clock_now: float, margin_s: float = 0.25) -> float | None:
    """A clock value shortly before the invocation times out, so a typed answer still gets out."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return clock_now + remaining() / 1000 - margin_s
