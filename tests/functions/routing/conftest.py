"""The routing function's world: moto S3 + Secrets Manager, a DuckDB file, real stream events."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from moto import mock_aws

from riskline_schema import Application, ApplicationRecord, ApplicationStatus, AuditDecision, RiskAssessment
from riskline_schema.examples import WEBFORM_PII_VALUES, webform_submission

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
SECOND, TWO_HOURS = timedelta(seconds=1), timedelta(hours=2)
BUCKET = "riskline-test-lake"
PREFIX = "applications"
SECRET_NAME = "riskline-test-applicant-key"
APPLICANT_SECRET = "test-applicant-hmac-key"
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/riskline-test-applications/stream/2026-11-29T00:00:00.000"
# Every PII value of `application()`: none may appear in the lake, the warehouse or the logs.
PII = WEBFORM_PII_VALUES


def application(app_id: str, *, channel: str = "webform", submitted_at: datetime = NOW) -> Application:
    body = webform_submission()
    return Application.model_validate(
        body | {"application_id": app_id, "channel": channel, "submitted_at": submitted_at}
    )


def pending(app_id: str, *, channel: str = "webform", submitted_at: datetime = NOW) -> ApplicationRecord:
    return ApplicationRecord(
        application=application(app_id, channel=channel, submitted_at=submitted_at),
        status="PENDING_SCORE",
        created_at=submitted_at,
        updated_at=submitted_at,
    )


def scored(
    record: ApplicationRecord, *, tier: str = "high", after: timedelta = timedelta(seconds=1)
) -> ApplicationRecord:
    hint = {"low": "accept", "medium": "review", "high": "reject"}[tier]
    at = record.updated_at + after
    assessment = RiskAssessment(
        application_id=record.application_id,
        probability={"low": 0.08, "medium": 0.45, "high": 0.81}[tier],
        tier=tier,
        decision_hint=hint,
        reason_codes=["HIGH_DTI", "RECENT_INQUIRIES"],
        model_version="riskline-xgb-20261129T1200-1a2b3c4d",
        scored_at=at,
        latency_ms=12.5,
    )
    return record.model_copy(update={"status": ApplicationStatus.SCORED, "assessment": assessment, "updated_at": at})


def audited(
    record: ApplicationRecord, *, outcome: str = "reject", after: timedelta = timedelta(hours=2)
) -> ApplicationRecord:
    at = record.updated_at + after
    audit = AuditDecision(application_id=record.application_id, outcome=outcome, auditor_id="auditor.7", decided_at=at)
    return record.model_copy(update={"audit": audit, "updated_at": at})


def typed_image(item: dict[str, Any]) -> dict[str, Any]:
    serializer = TypeSerializer()
    return {key: serializer.serialize(value) for key, value in item.items()}


def stream_record(
    sequence: int,
    event_name: str,
    new: ApplicationRecord | None = None,
    old: ApplicationRecord | None = None,
    *,
    new_image: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One record exactly as Lambda delivers it from a NEW_AND_OLD_IMAGES stream."""
    if new or old:
        record_id = (new or old).application_id
    else:
        record_id = (new_image or {}).get("application_id", {}).get("S", "unknown-app")
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": int(NOW.timestamp()) + sequence,
        "Keys": {"application_id": {"S": record_id}},
        "SequenceNumber": f"{4_000_000_000_000_000_000 + sequence:021d}",
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None or new_image is not None:
        dynamodb["NewImage"] = new_image if new_image is not None else typed_image(new.to_item())
    if old is not None:
        dynamodb["OldImage"] = typed_image(old.to_item())
    dynamodb["SizeBytes"] = len(json.dumps(dynamodb, default=str))
    return {
        "eventID": hashlib.md5(f"{sequence}".encode()).hexdigest(),
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": dynamodb,
        "eventSourceARN": STREAM_ARN,
    }


def event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def sequence_of(record: dict[str, Any]) -> str:
    return record["dynamodb"]["SequenceNumber"]


@dataclass
class LambdaContext:
    function_name: str = "riskline-test-routing"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:riskline-test-routing"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"
    log_group_name: str = "/aws/lambda/riskline-test-routing"
    log_stream_name: str = "2026/11/29/[$LATEST]0"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def aws() -> Iterator[dict[str, str]]:
    """moto S3 (the lake bucket) and Secrets Manager (the applicant-key secret)."""
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        arn = boto3.client("secretsmanager").create_secret(Name=SECRET_NAME, SecretString=APPLICANT_SECRET)["ARN"]
        yield {"bucket": BUCKET, "secret_arn": arn}


@pytest.fixture
def routing_env(aws: dict[str, str], tmp_path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "POWERTOOLS_SERVICE_NAME": "routing",
        "LAKE_BUCKET": aws["bucket"],
        "LAKE_PREFIX": PREFIX,
        "APPLICANT_KEY_SECRET_ARN": aws["secret_arn"],
        "WAREHOUSE_BACKEND": "duckdb",
        "WAREHOUSE_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def stream(routing_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    """The handler module, its container-level objects rebuilt from this test's environment."""
    from riskline_routing import stream as module
    from riskline_routing.keys import ApplicantKey
    from riskline_routing.lake import LakeWriter
    from riskline_routing.service import Router
    from riskline_routing.settings import Settings
    from riskline_routing.warehouse import open_warehouse

    settings = Settings.from_env()
    monkeypatch.setattr(module, "settings", settings)
    monkeypatch.setattr(
        module, "applicant_key", ApplicantKey(boto3.client("secretsmanager"), settings.applicant_key_secret_arn)
    )
    monkeypatch.setattr(
        module,
        "router",
        Router(LakeWriter(boto3.client("s3"), settings.lake_bucket, settings.lake_prefix), open_warehouse(settings)),
    )
    return module


@pytest.fixture
def context() -> LambdaContext:
    return LambdaContext()


def lake_objects() -> dict[str, str]:
    """Every lake object: key → body."""
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "/").get("Contents", [])
    return {obj["Key"]: s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read().decode() for obj in listed}


def warehouse_rows(stream_module) -> dict[str, dict[str, Any]]:
    return {row["application_id"]: row for row in stream_module.router.warehouse.fetch_rows()}


@pytest.fixture
def helpers():
    """The builders above, for test modules (importlib mode gives them no package to import from)."""

    class Helpers:
        NOW = NOW
        BUCKET = BUCKET
        PREFIX = PREFIX
        PII = PII
        APPLICANT_SECRET = APPLICANT_SECRET
        application = staticmethod(application)
        pending = staticmethod(pending)
        scored = staticmethod(scored)
        audited = staticmethod(audited)
        typed_image = staticmethod(typed_image)
        stream_record = staticmethod(stream_record)
        event = staticmethod(event)
        sequence_of = staticmethod(sequence_of)
        lake_objects = staticmethod(lake_objects)
        warehouse_rows = staticmethod(warehouse_rows)

    return Helpers
