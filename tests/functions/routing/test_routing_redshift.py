"""The Redshift adapter against the Data API, stubbed with botocore's Stubber (moto never finishes statements)."""

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from riskline_routing.errors import ConfigurationError, StatementFailed, StatementTimeout, WarehouseUnavailable
from riskline_routing.lake import batch_id
from riskline_routing.service import Router
from riskline_routing.warehouse import WarehouseLoad, ddl
from riskline_routing.warehouse.redshift import MAX_COPIES_PER_BATCH, RedshiftWarehouse, copy_statement
from riskline_schema import LakeRecord

ROLE = "arn:aws:iam::123456789012:role/riskline-test-redshift-copy"
WORKGROUP, DATABASE = "riskline-test", "riskline"
CREATED = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
URIS = [
    "s3://riskline-test-lake/applications/dt=2026-11-29/channel=webform/abc.jsonl",
    "s3://riskline-test-lake/applications/dt=2026-11-29/channel=mail/abc.jsonl",
]


class FakeClock:
    """Time that moves only when the adapter sleeps: deterministic polling, no real waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def data_api():
    client = boto3.client("redshift-data")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def warehouse(client, clock: FakeClock, **overrides) -> RedshiftWarehouse:
    options = {
        "workgroup": WORKGROUP,
        "database": DATABASE,
        "copy_role_arn": ROLE,
        "clock": clock,
        "sleep": clock.sleep,
    }
    return RedshiftWarehouse(client, **(options | overrides))


def expect_batch(stubber: Stubber, sqls: list[str], statement_id: str) -> None:
    stubber.add_response(
        "batch_execute_statement",
        {"Id": statement_id, "CreatedAt": CREATED, "Database": DATABASE, "WorkgroupName": WORKGROUP},
        {"WorkgroupName": WORKGROUP, "Database": DATABASE, "Sqls": sqls, "StatementName": "riskline-routing-upsert"},
    )


def expect_status(stubber: Stubber, statement_id: str, status: str, **extra) -> None:
    stubber.add_response("describe_statement", {"Id": statement_id, "Status": status, **extra}, {"Id": statement_id})


def upsert_sqls(uris: list[str], *, with_ddl: bool) -> list[str]:
    head = [ddl.create_table("redshift")] if with_ddl else []
    return [*head, ddl.create_load_table(), *(copy_statement(u, ROLE) for u in uris), *ddl.upsert_statements()]


def test_upsert_copies_each_lake_object_then_merges_in_one_transaction_polled_until_finished(data_api, clock):
    client, stubber = data_api
    expect_batch(stubber, upsert_sqls(URIS, with_ddl=True), "stmt-1")
    for status in ("SUBMITTED", "PICKED", "STARTED", "FINISHED"):
        expect_status(stubber, "stmt-1", status)

    warehouse(client, clock).upsert(WarehouseLoad(rows=(), sources=URIS))

    assert clock.sleeps == [0.2, 0.4, 0.8]  # backoff between polls, never past the deadline


def test_the_sql_loads_json_lines_merges_by_application_id_and_drops_its_staging():
    sqls = upsert_sqls(URIS[:1], with_ddl=True)
    assert sqls[0].startswith("CREATE TABLE IF NOT EXISTS applications (") and "reason_codes SUPER" in sqls[0]
    assert sqls[2] == (
        f"COPY applications_load FROM '{URIS[0]}' IAM_ROLE '{ROLE}' FORMAT AS JSON 'auto' TIMEFORMAT 'auto'"
    )
    merge = next(s for s in sqls if s.startswith("MERGE"))
    assert "ON applications.application_id = s.application_id" in merge
    assert "WHEN NOT MATCHED THEN INSERT" in merge
    assert any("updated_at <= applications.updated_at" in s for s in sqls)  # stale rows leave staging first
    assert sqls[-2:] == ["DROP TABLE applications_staging", "DROP TABLE applications_load"]


def test_table_ddl_rides_only_the_first_batch_of_a_container(data_api, clock):
    client, stubber = data_api
    expect_batch(stubber, upsert_sqls(URIS, with_ddl=True), "stmt-1")
    expect_status(stubber, "stmt-1", "FINISHED")
    expect_batch(stubber, upsert_sqls(URIS, with_ddl=False), "stmt-2")
    expect_status(stubber, "stmt-2", "FINISHED")
    adapter = warehouse(client, clock)

    adapter.upsert(WarehouseLoad(rows=(), sources=URIS))
    adapter.upsert(WarehouseLoad(rows=(), sources=URIS))


@pytest.mark.parametrize(
    ("status", "details", "message"),
    [
        ("FAILED", {"Error": "ERROR: Load into table 'applications_load' failed"}, "Load into table"),
        (
            "ABORTED",
            {"SubStatements": [{"Id": "stmt-1:3", "Status": "ABORTED", "Error": "cancelled by user"}]},
            "stmt-1:3: cancelled by user",
        ),
    ],
)
def test_failed_or_aborted_statement_raises_with_redshift_error(data_api, clock, status, details, message):
    client, stubber = data_api
    expect_batch(stubber, upsert_sqls(URIS, with_ddl=True), "stmt-1")
    expect_status(stubber, "stmt-1", "STARTED")
    expect_status(stubber, "stmt-1", status, **details)

    with pytest.raises(StatementFailed, match=message) as raised:
        warehouse(client, clock).upsert(WarehouseLoad(rows=(), sources=URIS))
    assert status in str(raised.value)


def test_statement_still_running_at_the_deadline_is_cancelled_and_raises(data_api, clock):
    client, stubber = data_api
    expect_batch(stubber, upsert_sqls(URIS, with_ddl=True), "stmt-1")
    for _ in range(7):  # sleeps 0.5, 1, 2, 2, 2, then the 0.5 s left: the 7th poll is at the 8 s deadline
        expect_status(stubber, "stmt-1", "STARTED")
    stubber.add_response("cancel_statement", {"Status": True}, {"Id": "stmt-1"})

    with pytest.raises(StatementTimeout, match="still STARTED after 8 s"):
        warehouse(client, clock, timeout_s=8, poll_s=0.5).upsert(WarehouseLoad(rows=(), sources=URIS))
    assert sum(clock.sleeps) == pytest.approx(8.0)


def test_unreachable_data_api_is_reported_as_warehouse_unavailable(data_api, clock):
    client, stubber = data_api
    stubber.add_client_error("batch_execute_statement", "InternalServerException", "service unavailable", 500)

    with pytest.raises(WarehouseUnavailable, match="service unavailable"):
        warehouse(client, clock).upsert(WarehouseLoad(rows=(), sources=URIS))


def test_many_lake_objects_are_split_into_batches_the_data_api_accepts(data_api, clock):
    client, stubber = data_api
    uris = [f"s3://riskline-test-lake/applications/dt=2026-11-{d:02d}/channel=mail/x.jsonl" for d in range(1, 31)]
    uris += [f"s3://riskline-test-lake/applications/dt=2026-10-{d:02d}/channel=mail/x.jsonl" for d in range(1, 6)]
    first, second = uris[:MAX_COPIES_PER_BATCH], uris[MAX_COPIES_PER_BATCH:]
    expect_batch(stubber, upsert_sqls(first, with_ddl=True), "stmt-1")
    expect_status(stubber, "stmt-1", "FINISHED")
    expect_batch(stubber, upsert_sqls(second, with_ddl=False), "stmt-2")
    expect_status(stubber, "stmt-2", "FINISHED")

    warehouse(client, clock).upsert(WarehouseLoad(rows=(), sources=uris))

    assert len(upsert_sqls(first, with_ddl=True)) <= 40


def test_missing_copy_role_names_the_variable_to_set(data_api, clock):
    client, _ = data_api
    with pytest.raises(ConfigurationError, match="REDSHIFT_COPY_ROLE_ARN"):
        warehouse(client, clock, copy_role_arn=None).upsert(WarehouseLoad(rows=(), sources=URIS))


def test_stream_batch_copies_exactly_the_lake_objects_it_just_wrote(
    stream, context, helpers, data_api, clock, monkeypatch
):
    h = helpers
    client, stubber = data_api
    records = [h.pending("app-rs-00001"), h.pending("app-rs-00002", channel="phone")]
    rows = [LakeRecord.from_record(r, h.APPLICANT_SECRET.encode()) for r in records]
    batch = batch_id(rows)
    uris = [
        f"s3://{h.BUCKET}/{h.PREFIX}/dt=2026-11-29/channel=phone/{batch}.jsonl",
        f"s3://{h.BUCKET}/{h.PREFIX}/dt=2026-11-29/channel=webform/{batch}.jsonl",
    ]
    expect_batch(stubber, upsert_sqls(uris, with_ddl=True), "stmt-1")
    expect_status(stubber, "stmt-1", "FINISHED")
    monkeypatch.setattr(stream, "router", Router(stream.router.lake, warehouse(client, clock)))

    event = h.event(*(h.stream_record(n, "INSERT", r) for n, r in enumerate(records, 1)))
    assert stream.handler(event, context) == {"batchItemFailures": []}
    assert sorted(f"s3://{h.BUCKET}/{key}" for key in h.lake_objects()) == uris


def test_replay_copies_every_lake_object_of_the_range_and_lets_the_sql_dedupe(aws, helpers, data_api, clock):
    from riskline_routing.lake import LakeWriter
    from riskline_routing.replay import replay
    from riskline_routing.settings import Settings

    h = helpers
    s3 = boto3.client("s3")
    writer = LakeWriter(s3, h.BUCKET, h.PREFIX)
    first = h.pending("app-rp-00001")
    objects = writer.write_batch([LakeRecord.from_record(first, b"k")])
    objects += writer.write_batch([LakeRecord.from_record(h.scored(first), b"k")])  # same application, newer
    client, stubber = data_api
    expect_batch(stubber, upsert_sqls(sorted(o.uri for o in objects), with_ddl=True), "stmt-1")
    expect_status(stubber, "stmt-1", "FINISHED")
    settings = Settings.from_env({"LAKE_BUCKET": h.BUCKET, "LAKE_PREFIX": h.PREFIX})

    report = replay(settings, h.NOW.date(), h.NOW.date(), s3=s3, warehouse=warehouse(client, clock))

    assert (report.objects, report.applications) == (2, 1)
