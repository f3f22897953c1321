"""boto3 clients, each created once per execution environment, configured by the environment only.

They are built on first use rather than at import: `import boto3` alone costs as much as the rest of
a handler, and a route that never touches a service (GET never scores) never pays for its client.
The local stack redirects them with boto3's own AWS_ENDPOINT_URL_* variables.
"""

from functools import cache
from typing import Any

from .settings import settings


@cache
def dynamodb() -> Any:
    import boto3

    return boto3.client("dynamodb")


@cache
def sqs() -> Any:
    import boto3

    return boto3.client("sqs")


@cache
def s3() -> Any:
    import boto3

    return boto3.client("s3")


@cache
def etl_lambda() -> Any:
    """The client for the synchronous scoring call: tight timeouts, no retries (the queue is the retry)."""
    import boto3
    from botocore.config import Config

    seconds = settings().scoring_timeout_ms / 1000
    config = Config(
        connect_timeout=min(seconds, 1.0),
        read_timeout=seconds,
        retries={"total_max_attempts": 1},
    )
    return boto3.client("lambda", config=config)
