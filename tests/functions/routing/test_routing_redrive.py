"""Redrive: lake and warehouse rows rebuilt from the applications table, by ids, by the failure
queue's on-failure records, or by time range; running it again changes nothing."""

import json
from datetime import timedelta

import boto3
import pytest

from riskline_routing import redrive as redrive_module
from riskline_routing.lake import LakeWriter, read_lake
from riskline_routing.redrive import Redrive
from riskline_routing.service import Router
from riskline_routing.warehouse.duckdb import DuckDBWarehouse

TABLE = "riskline-test-applications"


@pytest.fixture
def world(aws, routing_env, tmp_path, helpers):
    dynamodb = boto3.client("dynamodb")
    stream_arn = dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "application_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "application_id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    warehouse = DuckDBWarehouse(routing_env["WAREHOUSE_DUCKDB_PATH"])
    queue_url = boto3.client("sqs").create_queue(QueueName="riskline-test-routing-failure")["QueueUrl"]
    tool = Redrive(
        dynamodb=dynamodb,
        table=TABLE,
        secret=b"test-applicant-hmac-key",
        router=Router(LakeWriter(boto3.client("s3"), aws["bucket"], "applications"), warehouse),
        streams=boto3.client("dynamodbstreams"),
        sqs=boto3.client("sqs"),
    )
    return {"tool": tool, "dynamodb": dynamodb, "stream_arn": stream_arn, "warehouse": warehouse, "queue": queue_url}


def put(world, record):
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    world["dynamodb"].put_item(TableName=TABLE, Item={k: serialize(v) for k, v in record.to_item().items()})


def lake_and_warehouse(world):
    lake = read_lake("riskline-test-lake", "applications", "2026-11-29", "2026-11-29", s3=boto3.client("s3"))
    rows = {row["application_id"]: row for row in world["warehouse"].fetch_rows()}
    return lake, rows


def lake_keys():
    listed = boto3.client("s3").list_objects_v2(Bucket="riskline-test-lake").get("Contents", [])
    return sorted(obj["Key"] for obj in listed)


def on_failure_record(world, first, last, shard="shardId-00000001764672000000-1a2b3c4d", **times):
    """Lambda's on-failure record for a DynamoDB stream batch, as it lands on the failure queue."""
    return json.dumps({
        "requestContext": {
            "requestId": "316aa6d0-8154-4f5e-8f7e-7c4a3b2a1f00",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:riskline-test-routing",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 3,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": "2026-11-29T12:10:00.000Z",
        "DDBStreamBatchInfo": {
            "shardId": shard,
            "startSequenceNumber": first,
            "endSequenceNumber": last,
            "approximateArrivalOfFirstRecord": times.get("first_at", "2026-11-29T12:00:00Z"),
            "approximateArrivalOfLastRecord": times.get("last_at", "2026-11-29T12:00:05Z"),
            "batchSize": 2,
            "streamArn": world["stream_arn"],
        },
    })  # fmt: skip


def stream_range(world):
    streams = boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=world["stream_arn"])["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=world["stream_arn"], ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    return shard, records


def test_rebuilding_by_ids_writes_the_current_state_and_reports_unknown_ids(world, helpers):
    audited = helpers.audited(helpers.scored(helpers.pending("app-redrive-01")))
    put(world, audited)
    put(world, helpers.pending("app-redrive-02"))

    report = world["tool"].rebuild(["app-redrive-01", "app-redrive-02", "app-nowhere-99"])

    assert (report.requested, report.rebuilt, report.missing) == (3, 2, ["app-nowhere-99"])
    lake, rows = lake_and_warehouse(world)
    assert (
        lake["app-redrive-01"].audit_outcome.value == "reject"
        and lake["app-redrive-02"].status.value == "PENDING_SCORE"
    )
    assert rows["app-redrive-01"]["status"] == "SCORED" and rows["app-redrive-01"]["updated_at"] == audited.updated_at


def test_a_second_redrive_rewrites_the_same_objects_and_rows(world, helpers):
    put(world, helpers.scored(helpers.pending("app-redrive-03")))
    world["tool"].rebuild(["app-redrive-03"])
    before = (lake_keys(), lake_and_warehouse(world)[1])

    world["tool"].rebuild(["app-redrive-03"])

    assert (lake_keys(), lake_and_warehouse(world)[1]) == before


def test_the_failure_queue_messages_are_redriven_through_the_stream_range_and_deleted(world, helpers):
    put(world, helpers.scored(helpers.pending("app-redrive-04")))
    put(world, helpers.scored(helpers.pending("app-redrive-05")))
    put(world, helpers.pending("app-redrive-06"))  # a later batch that did not fail
    shard, records = stream_range(world)
    first, second = (r["dynamodb"]["SequenceNumber"] for r in records[:2])
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=world["queue"], MessageBody=on_failure_record(world, first, second, shard))

    report = world["tool"].from_queue(world["queue"])

    assert (report.messages, report.rebuilt) == (1, 2)
    lake, rows = lake_and_warehouse(world)
    assert set(lake) == set(rows) == {"app-redrive-04", "app-redrive-05"}
    assert sqs.receive_message(QueueUrl=world["queue"]).get("Messages") is None


def test_a_batch_the_stream_no_longer_holds_is_found_by_its_arrival_window(world, helpers):
    inside = helpers.pending("app-redrive-07")  # updated 2026-11-29T12:00:00Z
    later = helpers.scored(helpers.pending("app-redrive-08"), after=timedelta(hours=2))
    put(world, inside)
    put(world, later)
    body = on_failure_record(world, "100", "200", shard="shardId-trimmed-long-ago")
    boto3.client("sqs").send_message(QueueUrl=world["queue"], MessageBody=body)

    report = world["tool"].from_queue(world["queue"])

    assert report.rebuilt == 1
    assert set(lake_and_warehouse(world)[0]) == {"app-redrive-07"}


def test_a_time_range_rebuilds_the_items_updated_within_it(world, helpers):
    put(world, helpers.pending("app-redrive-09"))  # 12:00
    put(world, helpers.scored(helpers.pending("app-redrive-10"), after=timedelta(hours=2)))  # 14:00
    since, until = redrive_module._moment("2026-11-29T13:00Z"), redrive_module._moment("2026-11-29T15:00Z")

    report = world["tool"].rebuild(world["tool"].ids_updated_between(since, until))

    assert report.rebuilt == 1 and set(lake_and_warehouse(world)[1]) == {"app-redrive-10"}


def test_the_command_line_rebuilds_by_ids_from_the_environment(world, helpers, monkeypatch, capsys):
    put(world, helpers.pending("app-redrive-11"))
    monkeypatch.setenv("APPLICATIONS_TABLE", TABLE)

    assert redrive_module.main(["--ids", "app-redrive-11"]) == 0

    assert "redrive: requested=1 rebuilt=1" in capsys.readouterr().out
    assert "app-redrive-11" in lake_and_warehouse(world)[1]


def test_the_command_line_needs_since_and_until_together(world):
    with pytest.raises(SystemExit):
        redrive_module.main(["--since", "2026-11-29T00:00Z"])
