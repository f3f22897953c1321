"""The etl's test world: real event shapes, a fake clock, a scriptable endpoint and a moto table."""

import copy
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from moto import mock_aws

from riskline_etl.endpoint import Endpoint
from riskline_runtime.applications_table import ApplicationsTable
from riskline_schema import Application, ApplicationRecord, ApplicationStatus, RiskAssessment

EVENTS = Path(__file__).parent / "events"
NOW = datetime(2026, 11, 29, 12, 0, 5, tzinfo=UTC)
TABLE = "riskline-test-applications"
ENDPOINT_NAME = "riskline-test-endpoint"
MODEL_VERSION = "riskline-xgb-20261129T1200-1a2b3c4d"


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def prediction(tier: str = "medium", probability: float = 0.42, **overrides: Any) -> dict[str, Any]:
    hint = {"low": "accept", "medium": "review", "high": "reject"}[tier]
    values = {
        "probability": probability,
        "tier": tier,
        "decision_hint": hint,
        "reason_codes": ["HIGH_DTI"],
        "model_version": MODEL_VERSION,
    }
    values.update(overrides)
    return values


def endpoint_body(*predictions: dict[str, Any]) -> bytes:
    return json.dumps({"predictions": list(predictions or [prediction()])}).encode()


def streaming(body: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(body), len(body))


class FakeClock:
    """Monotonic seconds that move only when the code sleeps or the fake endpoint 'takes time'."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeSageMakerRuntime:
    """Answers invoke_endpoint from a script: bytes are bodies, exceptions are raised."""

    clock: FakeClock
    script: list[bytes | tuple[bytes, str] | Exception] = field(default_factory=list)
    latency_s: float = 0.02
    calls: list[dict[str, Any]] = field(default_factory=list)
    on_call: Callable[[], None] | None = None  # something else happening in the world meanwhile

    def invoke_endpoint(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        if self.on_call is not None:
            self.on_call()
        self.clock.now += self.latency_s
        outcome = self.script.pop(0) if self.script else self._default_answer(params)
        if isinstance(outcome, Exception):
            raise outcome
        body, content_type = outcome if isinstance(outcome, tuple) else (outcome, "application/json")
        return {"Body": streaming(body), "ContentType": content_type, "InvokedProductionVariant": "AllTraffic"}

    @staticmethod
    def _default_answer(params: dict[str, Any]) -> bytes | tuple[bytes, str]:
        """One medium-tier prediction per record: JSON Lines for a JSON Lines request, as the container."""
        if params.get("ContentType") == "application/jsonlines":
            records = [line for line in str(params["Body"]).splitlines() if line.strip()]
            return "".join(json.dumps(prediction()) + "\n" for _ in records).encode(), "application/jsonlines"
        return endpoint_body()

    def records_per_call(self) -> list[int]:
        return [
            len(str(c["Body"]).splitlines()) if c["ContentType"] == "application/jsonlines" else 1 for c in self.calls
        ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sagemaker(clock: FakeClock) -> FakeSageMakerRuntime:
    return FakeSageMakerRuntime(clock)


@pytest.fixture
def make_endpoint(clock: FakeClock) -> Callable[..., Endpoint]:
    def make(client: Any, *, timeout_ms: int = 1500, max_attempts: int = 3, jitter: float = 0.5) -> Endpoint:
        return Endpoint(
            client,
            ENDPOINT_NAME,
            timeout_ms=timeout_ms,
            max_attempts=max_attempts,
            sleep=clock.sleep,
            clock=clock,
            jitter=lambda: jitter,
        )

    return make


@pytest.fixture
def endpoint(make_endpoint: Callable[..., Endpoint], sagemaker: FakeSageMakerRuntime) -> Endpoint:
    return make_endpoint(sagemaker)


@pytest.fixture
def sync_event() -> dict[str, Any]:
    return load_event("sync_request.json")


@pytest.fixture
def application(sync_event: dict[str, Any]) -> Application:
    return Application.model_validate(sync_event["application"])


@dataclass
class LambdaContext:
    remaining_ms: int = 30_000
    function_name: str = "riskline-test-etl"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:riskline-test-etl:live"
    aws_request_id: str = "6f1d3f0e-2b7e-4b8f-9a51-3c7f0e5d2a10"
    log_group_name: str = "/aws/lambda/riskline-test-etl"
    log_stream_name: str = "2026/11/29/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


def sqs_event(*bodies: str | dict[str, Any]) -> dict[str, Any]:
    """An SQS event as Lambda delivers it, one record per body (template: events/sqs_scoring_batch.json)."""
    template = load_event("sqs_scoring_batch.json")["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        text = body if isinstance(body, str) else json.dumps(body)
        record = copy.deepcopy(template)
        record["messageId"] = f"00000000-0000-4000-8000-{index:012d}"
        record["receiptHandle"] = f"{template['receiptHandle'][:40]}{index}"
        record["body"] = text
        record["md5OfBody"] = hashlib.md5(text.encode()).hexdigest()
        records.append(record)
    return {"Records": records}


def scoring_request(application_id: str, reason: str = "scoring_failed") -> dict[str, Any]:
    return {"application_id": application_id, "reason": reason, "enqueued_at": "2026-11-29T12:00:01Z"}


def stored_record(application: Application, **overrides: Any) -> ApplicationRecord:
    values: dict[str, Any] = {
        "application": application,
        "status": ApplicationStatus.PENDING_SCORE,
        "scoring_attempts": 1,
        "created_at": application.submitted_at,
        "updated_at": application.submitted_at,
    }
    values.update(overrides)
    return ApplicationRecord(**values)


def old_assessment(application_id: str) -> RiskAssessment:
    return RiskAssessment(
        application_id=application_id,
        **prediction("low", 0.08, model_version="riskline-xgb-20261101T0900-0f0f0f0f"),
        scored_at=NOW - timedelta(days=3),
        latency_ms=31.0,
    )


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "application_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "application_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


@pytest.fixture
def table(dynamodb: Any) -> ApplicationsTable:
    return ApplicationsTable(dynamodb, TABLE)


@pytest.fixture
def items(dynamodb: Any) -> Any:
    """Read and write raw table items the way other functions do (boto3 resource, plain dicts)."""
    return boto3.resource("dynamodb").Table(TABLE)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything the package logs, formatted exactly as powertools writes it to CloudWatch."""
    from riskline_runtime.observability import logger

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield buffer
    logger.removeHandler(handler)
