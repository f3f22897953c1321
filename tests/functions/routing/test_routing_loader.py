"""Scheduled warehouse loads: the stream handler logs markers, the loader drains them since its
watermark (moto S3 with conditional writes, the DuckDB warehouse, the Redshift Data API stubbed)."""

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import ANY, Stubber

from riskline_routing.errors import ConfigurationError, StatementFailed, WatermarkConflict
from riskline_routing.lake import LakeWriter
from riskline_routing.load_log import LoadLog, marker_key, markers_prefix, stream_target, written_at
from riskline_routing.scheduled_load import WarehouseLoader
from riskline_routing.service import Router
from riskline_routing.settings import Settings
from riskline_routing.warehouse import WarehouseLoad, ddl
from riskline_routing.warehouse.duckdb import DuckDBWarehouse
from riskline_routing.warehouse.redshift import RedshiftWarehouse, copy_statement
from riskline_routing.watermark import WatermarkStore, watermark_key

LOG = "load-log"
SETTLE_S = 60


class Clock:
    """Seconds since the epoch that tests move by hand (the handler and the loader share it)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Counting:
    """A warehouse that counts the loads reaching the real one (or fails them, while `down`)."""

    def __init__(self, inner: DuckDBWarehouse) -> None:
        self.inner, self.loads, self.down = inner, [], False
        self.copies_from_lake = inner.copies_from_lake

    def upsert(self, load: WarehouseLoad) -> None:
        if self.down:
            raise StatementFailed("duckdb upsert: the file is locked")
        self.loads.append(load)
        self.inner.upsert(load)

    def fetch_rows(self):
        return self.inner.fetch_rows()


@pytest.fixture
def clock(helpers) -> Clock:
    return Clock(helpers.NOW.timestamp())


@pytest.fixture
def target(routing_env) -> Counting:
    return Counting(DuckDBWarehouse(routing_env["WAREHOUSE_DUCKDB_PATH"]))


@pytest.fixture
def scheduled(stream, monkeypatch, routing_env, clock):
    """The stream handler in scheduled mode: lake objects, then a load-log marker, no upsert."""
    monkeypatch.setenv("WAREHOUSE_LOAD_MODE", "scheduled")
    settings = Settings.from_env()
    s3 = boto3.client("s3")
    assert isinstance(stream_target(settings, s3), LoadLog)
    log = LoadLog(s3, settings.lake_bucket, settings.load_log_prefix, clock=clock)
    monkeypatch.setattr(stream, "router", Router(LakeWriter(s3, settings.lake_bucket, settings.lake_prefix), log))
    return stream


def loader(target, clock, **overrides) -> WarehouseLoader:
    options = {"settle_s": SETTLE_S, "clock": clock}
    return WarehouseLoader(boto3.client("s3"), "riskline-test-lake", LOG, target, **(options | overrides))


def markers() -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket="riskline-test-lake", Prefix=markers_prefix(LOG))
    return [obj["Key"] for obj in listed.get("Contents", [])]


def watermark() -> dict | None:
    s3 = boto3.client("s3")
    try:
        return json.loads(s3.get_object(Bucket="riskline-test-lake", Key=watermark_key(LOG))["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def send(stream, context, helpers, *ids: str, first_sequence: int = 1) -> None:
    records = [helpers.stream_record(first_sequence + n, "INSERT", helpers.pending(i)) for n, i in enumerate(ids)]
    assert stream.handler(helpers.event(*records), context) == {"batchItemFailures": []}


def test_scheduled_mode_writes_the_lake_and_a_marker_and_leaves_the_warehouse_to_the_loader(
    scheduled, context, helpers, target, clock
):
    send(scheduled, context, helpers, "app-s-0001", "app-s-0002")

    assert len(helpers.lake_objects()) == 1
    (key,) = markers()
    body = json.loads(boto3.client("s3").get_object(Bucket="riskline-test-lake", Key=key)["Body"].read())
    (lake_key,) = helpers.lake_objects()
    assert body == {"objects": [f"s3://riskline-test-lake/{lake_key}"], "rows": 2}
    assert written_at(key).timestamp() == clock.now
    assert target.fetch_rows() == []

    clock.advance(SETTLE_S)
    report = loader(target, clock).run()

    assert (report.outcome, report.markers, report.objects, report.lag_s) == ("loaded", 1, 1, SETTLE_S)
    assert sorted(row["application_id"] for row in target.fetch_rows()) == ["app-s-0001", "app-s-0002"]
    assert watermark()["last_marker"] == key


def test_markers_younger_than_the_settle_delay_wait_for_the_next_run(scheduled, context, helpers, target, clock):
    send(scheduled, context, helpers, "app-old-0001")
    clock.advance(SETTLE_S)
    send(scheduled, context, helpers, "app-new-0001", first_sequence=10)

    first = loader(target, clock).run()
    assert (first.outcome, first.markers) == ("loaded", 1)
    assert [row["application_id"] for row in target.fetch_rows()] == ["app-old-0001"]

    clock.advance(SETTLE_S)
    second = loader(target, clock).run()
    assert (second.outcome, second.markers) == ("loaded", 1)
    assert sorted(row["application_id"] for row in target.fetch_rows()) == ["app-new-0001", "app-old-0001"]
    assert watermark()["last_marker"] == markers()[-1]


def test_an_empty_run_loads_nothing_and_writes_no_watermark(routing_env, target, clock):
    report = loader(target, clock).run()

    assert (report.outcome, report.markers, report.lag_s, report.last_marker) == ("empty", 0, 0.0, None)
    assert target.loads == [] and watermark() is None


def test_a_run_after_the_watermark_loads_only_the_new_markers(scheduled, context, helpers, target, clock):
    send(scheduled, context, helpers, "app-w-0001")
    clock.advance(SETTLE_S)
    loader(target, clock).run()
    assert loader(target, clock).run().outcome == "empty"

    send(scheduled, context, helpers, "app-w-0002", first_sequence=5)
    clock.advance(SETTLE_S)
    report = loader(target, clock).run()

    assert (report.outcome, report.markers) == ("loaded", 1)
    assert [[row.application_id for row in load.rows] for load in target.loads] == [["app-w-0001"], ["app-w-0002"]]


def test_a_redelivered_batch_logged_twice_is_loaded_once_in_one_transaction(scheduled, context, helpers, target, clock):
    for _ in range(2):  # Lambda's retry of the same records rewrites the same object, and logs it again
        send(scheduled, context, helpers, "app-r-0001", "app-r-0002")
        clock.advance(1)
    send(scheduled, context, helpers, "app-r-0003", first_sequence=7)
    clock.advance(SETTLE_S)

    report = loader(target, clock).run()

    assert (report.markers, report.objects) == (3, 2)
    (load,) = target.loads
    assert sorted(row.application_id for row in load.rows) == ["app-r-0001", "app-r-0002", "app-r-0003"]
    assert len(target.fetch_rows()) == 3


def test_a_failed_load_leaves_the_watermark_and_the_next_run_loads_the_same_markers(
    scheduled, context, helpers, target, clock
):
    send(scheduled, context, helpers, "app-f-0001")
    clock.advance(SETTLE_S)
    loader(target, clock).run()
    before = watermark()
    send(scheduled, context, helpers, "app-f-0002", first_sequence=3)
    clock.advance(SETTLE_S)

    target.down = True
    with pytest.raises(StatementFailed):
        loader(target, clock).run()
    assert watermark() == before
    assert [row["application_id"] for row in target.fetch_rows()] == ["app-f-0001"]

    target.down = False
    clock.advance(900)
    report = loader(target, clock).run()
    assert (report.outcome, report.markers, report.lag_s) == ("loaded", 1, SETTLE_S + 900)
    assert sorted(row["application_id"] for row in target.fetch_rows()) == ["app-f-0001", "app-f-0002"]


def test_of_two_overlapping_runs_only_the_first_advances_the_watermark(scheduled, context, helpers, target, clock):
    send(scheduled, context, helpers, "app-race-0001")
    clock.advance(SETTLE_S)
    first, second = loader(target, clock), loader(target, clock)
    first_pending, second_pending = first.pending(), second.pending()  # both read "no watermark yet"

    assert first.load(first_pending).outcome == "loaded"
    won = watermark()
    lost = second.load(second_pending)

    assert lost.outcome == "lost-race" and lost.last_marker is None
    assert watermark() == won
    assert [row["application_id"] for row in target.fetch_rows()] == ["app-race-0001"]  # loaded twice, one row

    # The same race once a watermark exists: If-Match on the ETag both read.
    send(scheduled, context, helpers, "app-race-0002", first_sequence=4)
    clock.advance(SETTLE_S)
    first_pending, second_pending = first.pending(), second.pending()
    assert first.load(first_pending).outcome == "loaded"
    assert second.load(second_pending).outcome == "lost-race"
    assert watermark()["last_marker"] == markers()[-1]


def test_the_watermark_write_is_conditional_on_what_was_read(routing_env):
    store = WatermarkStore(boto3.client("s3"), "riskline-test-lake", LOG)
    absent = store.read()
    created = store.advance(absent, "load-log/markers/a.json", loaded_at=_now(), markers=1)
    with pytest.raises(WatermarkConflict):
        store.advance(absent, "load-log/markers/b.json", loaded_at=_now(), markers=1)  # If-None-Match: *
    moved = store.advance(created, "load-log/markers/c.json", loaded_at=_now(), markers=1)
    with pytest.raises(WatermarkConflict):
        store.advance(created, "load-log/markers/d.json", loaded_at=_now(), markers=1)  # stale If-Match
    assert store.read().last_marker == "load-log/markers/c.json" and store.read().etag == moved.etag


def test_a_run_holds_at_most_its_marker_cap_and_the_backlog_follows(scheduled, context, helpers, target, clock):
    for n in range(5):
        send(scheduled, context, helpers, f"app-cap-{n:04d}", first_sequence=10 * n)
        clock.advance(1)
    clock.advance(SETTLE_S)

    reports = [loader(target, clock, max_markers=2).run() for _ in range(4)]

    assert [(r.outcome, r.markers) for r in reports] == [("loaded", 2), ("loaded", 2), ("loaded", 1), ("empty", 0)]
    assert len(target.fetch_rows()) == 5


def test_marker_keys_sort_in_the_order_they_were_written(helpers):
    early = marker_key(LOG, helpers.NOW, "ffff")
    late = marker_key(LOG, helpers.NOW + timedelta(microseconds=1), "0000")
    assert early < late
    assert written_at(early) == helpers.NOW and written_at(late) == helpers.NOW + timedelta(microseconds=1)


def test_redshift_loads_every_object_with_one_copy_of_a_manifest_in_one_transaction(scheduled, context, helpers, clock):
    send(scheduled, context, helpers, "app-rs-0001")
    send(scheduled, context, helpers, "app-rs-0002", first_sequence=4)
    clock.advance(SETTLE_S)
    role = "arn:aws:iam::123456789012:role/riskline-test-redshift-copy"
    client = boto3.client("redshift-data")
    redshift = RedshiftWarehouse(client, workgroup="riskline-test", database="riskline", copy_role_arn=role)

    manifest_uri = f"s3://riskline-test-lake/{LOG}/manifests/{markers()[-1].rsplit('/', 1)[-1]}"
    expected_sqls = [
        ddl.create_table("redshift"),
        ddl.create_load_table(),
        copy_statement(manifest_uri, role, manifest=True),
        *ddl.upsert_statements(),
    ]
    with Stubber(client) as stubber:
        stubber.add_response("batch_execute_statement", {"Id": "load-1", "CreatedAt": helpers.NOW}, {
            "WorkgroupName": "riskline-test", "Database": "riskline", "Sqls": expected_sqls, "StatementName": ANY,
        })  # fmt: skip
        stubber.add_response("describe_statement", {"Id": "load-1", "Status": "FINISHED"}, {"Id": "load-1"})
        report = loader(redshift, clock).run()
        stubber.assert_no_pending_responses()

    assert (report.outcome, report.objects) == ("loaded", 2)
    s3 = boto3.client("s3")
    manifests = s3.list_objects_v2(Bucket="riskline-test-lake", Prefix=f"{LOG}/manifests/")["Contents"]
    (manifest,) = manifests
    entries = json.loads(s3.get_object(Bucket="riskline-test-lake", Key=manifest["Key"])["Body"].read())["entries"]
    assert sorted(e["url"] for e in entries) == sorted(f"s3://riskline-test-lake/{k}" for k in helpers.lake_objects())
    assert all(e["mandatory"] for e in entries)
    assert manifest["Key"] == manifest_uri.removeprefix("s3://riskline-test-lake/")


def test_load_mode_and_settle_delay_are_validated_naming_their_variable(routing_env):
    with pytest.raises(ConfigurationError, match="WAREHOUSE_LOAD_MODE"):
        Settings.from_env(routing_env | {"WAREHOUSE_LOAD_MODE": "hourly"})
    with pytest.raises(ConfigurationError, match="LOADER_SETTLE_SECONDS"):
        Settings.from_env(routing_env | {"LOADER_SETTLE_SECONDS": "2m"})
    with pytest.raises(ConfigurationError, match="LOAD_LOG_PREFIX"):
        Settings.from_env(routing_env | {"LOAD_LOG_PREFIX": "applications"})
    settings = Settings.from_env(routing_env | {"WAREHOUSE_LOAD_MODE": "scheduled", "LOADER_SETTLE_SECONDS": "5"})
    assert (settings.warehouse_load_mode, settings.loader_settle_seconds, settings.load_log_prefix) == (
        "scheduled", 5, "load-log",
    )  # fmt: skip
    assert not isinstance(stream_target(Settings.from_env(routing_env), boto3.client("s3")), LoadLog)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def loader_handler(routing_env, monkeypatch, target):
    """The Lambda entry point, its container-level objects rebuilt from this test's environment."""
    from riskline_routing import loader as module

    monkeypatch.setenv("LOAD_LOG_PREFIX", LOG)
    monkeypatch.setenv("LOADER_SETTLE_SECONDS", "0")
    monkeypatch.setattr(module, "settings", Settings.from_env())
    monkeypatch.setattr(module, "s3", boto3.client("s3"))
    monkeypatch.setattr(module, "warehouse", target)
    module.metrics.clear_metrics()
    return module


def emitted(capsys) -> dict[str, float]:
    """The EMF metrics the handler printed, name → value."""
    out = {}
    for line in capsys.readouterr().out.splitlines():
        if '"_aws"' in line:
            blob = json.loads(line)
            for metric in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = blob[metric["Name"]]
                out[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return out


def test_the_handler_loads_and_reports_lag_and_counts(scheduled, loader_handler, context, helpers, target, capsys):
    send(scheduled, context, helpers, "app-h-0001")
    capsys.readouterr()

    answer = loader_handler.handler({"source": "aws.scheduler"}, context)

    assert answer["outcome"] == "loaded" and answer["markers"] == 1
    assert [row["application_id"] for row in target.fetch_rows()] == ["app-h-0001"]
    metrics = emitted(capsys)
    assert metrics["WarehouseLoads"] == 1 and metrics["WarehouseLoadedObjects"] == 1
    assert metrics["WarehouseLoadLagSeconds"] >= 0 and "WarehouseLoadFailures" not in metrics


def test_a_failed_load_is_counted_raised_and_its_lag_still_reported(
    scheduled, loader_handler, context, helpers, target, capsys
):
    send(scheduled, context, helpers, "app-h-0002")
    capsys.readouterr()
    target.down = True

    with pytest.raises(StatementFailed):
        loader_handler.handler({"source": "aws.scheduler"}, context)

    metrics = emitted(capsys)
    assert metrics["WarehouseLoadFailures"] == 1 and "WarehouseLoadLagSeconds" in metrics
    assert "WarehouseLoads" not in metrics and watermark() is None


def test_make_load_warehouse_runs_one_load_and_prints_its_report(scheduled, loader_handler, context, helpers, capsys):
    send(scheduled, context, helpers, "app-cli-0001")
    capsys.readouterr()

    assert loader_handler.main([]) == 0

    assert capsys.readouterr().out.startswith("warehouse load: loaded markers=1 objects=1 ")


def test_replay_upserts_the_warehouse_directly_in_scheduled_mode(
    scheduled, context, helpers, monkeypatch, routing_env, capsys
):
    from riskline_routing.replay import main as replay_main

    send(scheduled, context, helpers, "app-rp-0001", "app-rp-0002")
    marker_count = len(markers())

    day = helpers.NOW.date().isoformat()
    assert replay_main(["--since", day, "--until", day]) == 0  # WAREHOUSE_LOAD_MODE=scheduled is set

    rows = DuckDBWarehouse(routing_env["WAREHOUSE_DUCKDB_PATH"]).fetch_rows()
    assert sorted(row["application_id"] for row in rows) == ["app-rp-0001", "app-rp-0002"]
    assert len(markers()) == marker_count  # nothing logged for the loader: the warehouse has the rows


def test_a_marker_that_cannot_be_written_fails_the_batch_so_lambda_retries_it(scheduled, context, helpers, clock):
    records = [helpers.stream_record(n, "INSERT", helpers.pending(f"app-m-{n:04d}")) for n in (1, 2)]
    scheduled.router.warehouse = LoadLog(boto3.client("s3"), "no-such-bucket", LOG, clock=clock)

    response = scheduled.handler(helpers.event(*records), context)

    assert response == {"batchItemFailures": [{"itemIdentifier": helpers.sequence_of(r)} for r in records]}
    assert len(helpers.lake_objects()) == 1 and markers() == []


def test_the_loader_waits_longer_for_its_one_transaction_than_a_per_batch_upsert(routing_env):
    from riskline_routing import loader as module
    from riskline_routing.warehouse import open_warehouse

    settings = Settings.from_env(routing_env | {"WAREHOUSE_BACKEND": "redshift"})
    assert open_warehouse(settings, redshift_client=object())._timeout_s == 60.0
    assert open_warehouse(settings, redshift_client=object(), timeout_s=module.LOAD_TIMEOUT_S)._timeout_s == 240.0
