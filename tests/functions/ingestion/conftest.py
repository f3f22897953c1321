"""The world the ingestion tests run in: moto tables, queue and bucket; real event shapes; a stub scorer."""

import base64
import copy
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from riskline_ingestion import idempotency, settings, wiring
from riskline_runtime.clients import client
from riskline_schema import Application, RiskAssessment, RiskTier, utc_now

EVENTS = Path(__file__).parent / "events"
APPLICATIONS_TABLE = "riskline-test-applications"
IDEMPOTENCY_TABLE = "riskline-test-idempotency"
QUEUE_NAME = "riskline-test-scoring"
BUCKET = "riskline-test-lake"
MODEL_VERSION = "riskline-xgb-20261129T1200-1a2b3c4d"


def load_event(name: str) -> Any:
    text = (EVENTS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def reset_caches(clients_too: bool = False) -> None:
    """Forget settings and adapters between tests; boto3 clients (slow to build) only between modules."""
    cached: tuple[Any, ...] = (client,) if clients_too else ()
    cached += (
        settings.settings,
        wiring.store,
        wiring.queue,
        wiring.scorer,
        idempotency._persistence,
        idempotency._config,
        idempotency._runner,
    )
    for function in cached:
        getattr(function, "cache_clear", lambda: None)()  # a test may have swapped one for a stub


@dataclass
class World:
    dynamodb: Any
    sqs: Any
    s3: Any
    queue_url: str

    def items(self) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=APPLICATIONS_TABLE)["Items"]

    def item(self, application_id: str) -> dict[str, Any] | None:
        return self.dynamodb.get_item(TableName=APPLICATIONS_TABLE, Key={"application_id": {"S": application_id}}).get(
            "Item"
        )

    def idempotency_records(self) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=IDEMPOTENCY_TABLE)["Items"]

    def messages(self) -> list[dict[str, Any]]:
        """Every message on the scoring queue (each read once: they stay invisible afterwards)."""
        bodies = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return bodies
            bodies += [json.loads(m["Body"]) for m in got]

    def nothing_written(self) -> bool:
        return not self.items() and not self.idempotency_records() and not self.messages()


class StubScorer:
    """Stands in for the etl function: scores low risk, or fails as a timeout would (None)."""

    def __init__(self) -> None:
        self.fail = False
        self.calls: list[str] = []

    def score(self, application: Application) -> RiskAssessment | None:
        self.calls.append(application.application_id)
        if self.fail:
            return None
        return RiskAssessment(
            application_id=application.application_id,
            probability=0.12,
            tier=RiskTier.LOW,
            decision_hint="accept",
            reason_codes=["LOW_DTI", "LONG_HISTORY"],
            model_version=MODEL_VERSION,
            scored_at=utc_now(),
            latency_ms=11.5,
        )


@dataclass
class FakeLambdaContext:
    function_name: str = "riskline-test-ingestion"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:riskline-test-ingestion"
    aws_request_id: str = "8f0e6f0c-1b2a-4c3d-9e8f-0a1b2c3d4e5f"
    log_group_name: str = "/aws/lambda/riskline-test-ingestion"
    log_stream_name: str = "2026/11/29/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()


AUDITOR_ARN = "arn:aws:sts::123456789012:assumed-role/riskline-auditor/jane.doe"
_QUEUE_NUMBERS = itertools.count(1)
# API key id → channel, as Terraform passes it (the web form has a second key, as during a key rotation).
CHANNEL_API_KEY_IDS = {
    "k9l8m7n6o5": "webform",
    "z9y8x7w6v5": "webform",
    "m0b1l3k3y0": "mobile",
    "ch4tb0tk3y": "chatbot",
    "ph0n3k3y00": "phone",
    "ma1lk3y000": "mail",
}
KEY_ID_OF = {"webform": "k9l8m7n6o5", "mobile": "m0b1l3k3y0", "chatbot": "ch4tb0tk3y", "mail": "ma1lk3y000"}
ENV = {
    "CHANNEL_API_KEY_IDS": json.dumps(CHANNEL_API_KEY_IDS),
    "POWERTOOLS_SERVICE_NAME": "ingestion",
    "AWS_LAMBDA_FUNCTION_NAME": "riskline-test-ingestion",
    "APPLICATIONS_TABLE": APPLICATIONS_TABLE,
    "IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE,
    "ETL_FUNCTION_NAME": "riskline-test-etl-sync:live",
    "SCORING_TIMEOUT_MS": "2500",
}


def create_applications_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=APPLICATIONS_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "application_id", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "submitted_at", "AttributeType": "S"},
            {"AttributeName": "review_queue", "AttributeType": "S"},
            {"AttributeName": "review_since", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "application_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "status-index",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "submitted_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {  # as terraform/modules/application_store declares it
                "IndexName": "review-queue-index",
                "KeySchema": [
                    {"AttributeName": "review_queue", "KeyType": "HASH"},
                    {"AttributeName": "review_since", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["channel", "assessment"]},
            },
        ],
    )


@pytest.fixture(scope="module")
def aws_module() -> Iterator[World]:
    """One moto world per test module (creating it per test costs most of a test's time); `world` empties it."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name, value in ENV.items():
            patch.setenv(name, value)
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_applications_table(dynamodb)
        dynamodb.create_table(
            TableName=IDEMPOTENCY_TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        patch.setenv("SCORING_QUEUE_URL", queue_url)
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        reset_caches(clients_too=True)
        yield World(dynamodb=dynamodb, sqs=sqs, s3=s3, queue_url=queue_url)
    reset_caches(clients_too=True)


def _empty(world: World) -> None:
    tables = world.dynamodb.list_tables()["TableNames"]
    if APPLICATIONS_TABLE not in tables:
        create_applications_table(world.dynamodb)  # a test removed it to simulate an outage
    for table, key in ((APPLICATIONS_TABLE, "application_id"), (IDEMPOTENCY_TABLE, "id")):
        for item in world.dynamodb.scan(TableName=table, ProjectionExpression=key)["Items"]:
            world.dynamodb.delete_item(TableName=table, Key={key: item[key]})
    versions = world.s3.list_object_versions(Bucket=BUCKET)
    for version in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        world.s3.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])


@pytest.fixture
def world(aws_module: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    _empty(aws_module)
    # A fresh queue per test: SQS allows one purge a minute, and read messages stay invisible.
    aws_module.sqs.delete_queue(QueueUrl=aws_module.queue_url)
    aws_module.queue_url = aws_module.sqs.create_queue(QueueName=f"{QUEUE_NAME}-{next(_QUEUE_NUMBERS)}")["QueueUrl"]
    monkeypatch.setenv("SCORING_QUEUE_URL", aws_module.queue_url)
    reset_caches()
    yield aws_module
    reset_caches()


@pytest.fixture
def scorer(world: World, monkeypatch: pytest.MonkeyPatch) -> StubScorer:
    stub = StubScorer()
    monkeypatch.setattr(wiring, "scorer", lambda: stub)
    return stub


@pytest.fixture
def webform() -> Callable[..., dict[str, Any]]:
    def build(**overrides: Any) -> dict[str, Any]:
        return load_event("webform_body.json") | overrides

    return build


@pytest.fixture
def mobile() -> Callable[..., dict[str, Any]]:
    def build(**overrides: Any) -> dict[str, Any]:
        return load_event("mobile_body.json") | overrides

    return build


@pytest.fixture
def flat() -> Callable[..., dict[str, Any]]:
    def build(**overrides: Any) -> dict[str, Any]:
        return load_event("flat_application.json") | overrides

    return build


def rest_event(
    method: str = "POST",
    path: str = "/applications",
    body: Any = None,
    *,
    raw: str | bytes | None = None,
    headers: dict[str, str | None] | None = None,
    base64_body: bool = False,
    key_channel: str | None = None,
    principal: str | None = AUDITOR_ARN,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy (v1) event, from the captured template, for any route.

    It carries the API key of the channel the body names (mail for the batch route), unless
    `key_channel` picks another. The audit route is `AWS_IAM`: its event carries the signing
    principal as API Gateway gives it (`identity.userArn`, `caller`, `accessKey`) and no API key,
    or a Cognito authorizer's `claims` instead.
    """
    event = copy.deepcopy(load_event("apigw_rest_post_applications.json"))
    if path.endswith("/audit"):
        identity = event["requestContext"]["identity"]
        identity |= {"apiKey": None, "apiKeyId": None, "userArn": None, "caller": None, "accessKey": None}
        if principal is not None and claims is None:
            identity |= {"userArn": principal, "caller": "AIDAJQABLZS4A3QDU576Q", "accessKey": "AKIAIOSFODNN7EXAMPLE"}
            identity["accountId"] = "123456789012"
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
    elif key_channel is None:
        named = body.get("channel") if isinstance(body, dict) else None
        key_channel = "mail" if path == "/applications/batch" else named if named in KEY_ID_OF else "webform"
    if not path.endswith("/audit"):
        event["requestContext"]["identity"]["apiKeyId"] = KEY_ID_OF[key_channel or "webform"]
        event["requestContext"]["identity"]["apiKey"] = f"{key_channel or 'webform'}-key-0123456789abcdef"
    text = raw if raw is not None else (json.dumps(body) if body is not None else None)
    if base64_body and text is not None:
        text = base64.b64encode(text if isinstance(text, bytes) else text.encode()).decode()
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["path"] = path
    event["requestContext"]["path"] = f"/v1{path}"
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[1] != "batch":
        event["pathParameters"] = {"application_id": parts[1]}
        event["resource"] = "/applications/{application_id}" + ("/audit" if len(parts) == 3 else "")
    else:
        event["resource"] = path
    event["requestContext"]["resourcePath"] = event["resource"]
    for name, value in (headers or {}).items():
        for key in [k for k in event["headers"] if k.lower() == name.lower()]:
            del event["headers"][key]
            del event["multiValueHeaders"][key]
        if value is not None:
            event["headers"][name] = value
            event["multiValueHeaders"][name] = [value]
    event["body"] = text
    event["isBase64Encoded"] = base64_body
    return event


@pytest.fixture
def call_api(context: FakeLambdaContext) -> Callable[..., tuple[int, Any]]:
    """Invoke the REST handler; returns (status, decoded JSON body)."""
    from riskline_ingestion import api

    def call(*args: Any, **kwargs: Any) -> tuple[int, Any]:
        response = api.handler(rest_event(*args, **kwargs), context)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return call


@pytest.fixture
def make_rest_event() -> Callable[..., dict[str, Any]]:
    return rest_event


@pytest.fixture
def event_json() -> Callable[[str], Any]:
    """A captured event (or sample file) from events/, fresh for each call."""
    return load_event


@pytest.fixture
def empty_world() -> Callable[[World], None]:
    """Empty the tables and bucket between examples of a property test (the world outlives them)."""
    return _empty


@pytest.fixture
def audit_as(call_api: Callable[..., tuple[int, Any]]) -> Callable[..., tuple[int, Any]]:
    """Record an auditor's decision through the audit route."""

    def audit(application_id: str, body: dict[str, Any], **identity: Any) -> tuple[int, Any]:
        return call_api("PUT", f"/applications/{application_id}/audit", body, **identity)

    return audit
