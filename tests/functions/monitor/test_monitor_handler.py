"""The scheduled drift monitor end to end under moto: lake window + served artifact in S3 →
report in S3, metrics in CloudWatch, the shifted feature named (and only it)."""

import importlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from moto import mock_aws

from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake
from riskline_model.train import train_to_dir
from riskline_monitor.errors import BaselineMissing, ConfigurationError
from riskline_schema import FINANCIAL_FIELDS

BUCKET = "riskline-test-lake"
SHIFTED = "revolving_utilization"
SCHEDULED_RULE_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-14T06:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/riskline-test-drift"],
    "detail": {},
}


@dataclass
class LambdaContext:
    function_name: str = "riskline-test-monitor"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:riskline-test-monitor"
    aws_request_id: str = "5d9e3b2a-1f0c-4b8e-9a55-2f5c8c7d1e01"


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_to_dir(tmp_path_factory.mktemp("model"), rows=3000, seed=41, num_round=40, max_depth=3).tarball


@pytest.fixture(scope="module")
def lake_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    write_lake(lake_frame(LakeSpec(rows=2000, seed=42, days=7)), root)
    second = datetime(2026, 11, 8, tzinfo=UTC)
    write_lake(lake_frame(LakeSpec(rows=2000, seed=43, days=7, start=second, shift={SHIFTED: 1.6})), root, batch="w2")
    return root


@pytest.fixture
def world(artifact: Path, lake_files: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, str]]:
    version = read_metadata_of(artifact)
    monkeypatch.setenv("LAKE_BUCKET", BUCKET)
    monkeypatch.setenv("LAKE_PREFIX", "applications")
    monkeypatch.setenv("MODEL_VERSION", version)
    monkeypatch.setenv("MONITOR_NAMESPACE", "riskline-test/drift")
    monkeypatch.setenv("WINDOW_DAYS", "7")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for path in sorted(lake_files.rglob("*.jsonl")):
            s3.upload_file(str(path), BUCKET, path.relative_to(lake_files).as_posix())
        s3.upload_file(str(artifact), BUCKET, f"models/{version}/model.tar.gz")
        import riskline_monitor.handler

        yield importlib.reload(riskline_monitor.handler), version


def read_metadata_of(tarball: Path) -> str:
    with tarfile.open(tarball) as tar:
        return json.load(tar.extractfile("metadata.json"))["model_version"]


def test_scheduler_input_runs_the_window_and_names_the_shifted_feature(world: tuple[ModuleType, str]) -> None:
    handler, version = world
    summary = handler.handler({"until": "2026-11-14", "window_days": 7}, LambdaContext())
    assert summary["drifted_features"] == [SHIFTED]
    assert summary["window"] == {"since": "2026-11-08", "until": "2026-11-14"} and summary["rows"] == 2000
    assert summary["model_version"] == version and summary["max_feature_psi"] > 0.2

    s3 = boto3.client("s3", region_name="us-east-1")
    assert summary["report"] == f"s3://{BUCKET}/monitoring/drift/dt=2026-11-14/drift.html"
    page = s3.get_object(Bucket=BUCKET, Key="monitoring/drift/dt=2026-11-14/drift.html")["Body"].read().decode()
    assert f"<tr class=drift><td>{SHIFTED}</td>" in page and "<svg" in page
    table = json.loads(s3.get_object(Bucket=BUCKET, Key="monitoring/drift/dt=2026-11-14/drift.json")["Body"].read())
    assert all(d["psi"] < 0.2 for d in table["features"] if d["name"] != SHIFTED)

    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
    listed = cloudwatch.list_metrics(Namespace="riskline-test/drift", MetricName="FeaturePSI")["Metrics"]
    assert {m["Dimensions"][0]["Value"] for m in listed} == set(FINANCIAL_FIELDS)
    stats = cloudwatch.get_metric_statistics(
        Namespace="riskline-test/drift",
        MetricName="FeaturePSI",
        Dimensions=[{"Name": "Feature", "Value": SHIFTED}],
        StartTime=datetime.now(UTC) - timedelta(hours=1),
        EndTime=datetime.now(UTC) + timedelta(hours=1),
        Period=3600,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert stats[0]["Maximum"] > 0.2


def test_a_scheduled_rule_event_takes_its_day_from_the_event_time(world: tuple[ModuleType, str]) -> None:
    handler, _ = world
    summary = handler.handler({**SCHEDULED_RULE_EVENT, "time": "2026-11-07T06:00:00Z"}, LambdaContext())
    assert summary["window"] == {"since": "2026-11-01", "until": "2026-11-07"}
    assert summary["drifted_features"] == []


def test_missing_baseline_and_settings_are_named(
    world: tuple[ModuleType, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, _ = world
    monkeypatch.setenv("MODEL_VERSION", "riskline-xgb-20260101T0000-00000000")
    with pytest.raises(
        BaselineMissing, match=r"models/riskline-xgb-20260101T0000-00000000/model\.tar\.gz does not exist"
    ):
        importlib.reload(handler).handler({"until": "2026-11-14"}, LambdaContext())
    monkeypatch.delenv("MODEL_VERSION")
    with pytest.raises(ConfigurationError, match="MODEL_VERSION is not set"):
        importlib.reload(handler).handler({"until": "2026-11-14"}, LambdaContext())
    with pytest.raises(ConfigurationError, match="until: 'yesterday' is not a YYYY-MM-DD date"):
        handler.handler({"until": "yesterday"}, LambdaContext())


def test_an_artifact_without_a_baseline_says_to_retrain(world: tuple[ModuleType, str], tmp_path: Path) -> None:
    handler, version = world
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        data = json.dumps({"model_version": version}).encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=BUCKET, Key=f"models/{version}/model.tar.gz", Body=buf.getvalue()
    )
    with pytest.raises(BaselineMissing, match=r"has no baseline\.json: retrain"):
        handler.handler({"until": "2026-11-14"}, LambdaContext())
