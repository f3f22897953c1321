"""Rebuild lake and warehouse rows from the applications table (the source of truth).

    python -m riskline_routing.redrive --ids ID [ID ...]
    python -m riskline_routing.redrive --from-queue            # the routing failure queue's messages
    python -m riskline_routing.redrive --since 2026-12-01T00:00Z --until 2026-12-02T00:00Z

Stream batches that exhaust their retries land on the routing failure queue as Lambda's on-failure
records, which carry the batch's shard and sequence-number range, not its items. `--from-queue` reads
that range back from the stream (24 h retention) to learn the application ids; once the stream has
trimmed it, it takes every item updated within the batch's arrival window instead. Each message is
deleted only after its rows are written. `--since/--until` takes every item whose `updated_at` falls in
the range. Whatever the selection, each item's *current* state is read (consistently) and written like
the stream handler writes it: lake objects keyed by the rows' versions, warehouse upsert newer-wins, so
a redrive is idempotent and never rolls anything back.

Environment: as the handler (LAKE_BUCKET, LAKE_PREFIX, APPLICANT_KEY_SECRET_ARN, WAREHOUSE_* /
REDSHIFT_*), plus APPLICATIONS_TABLE and, for `--from-queue`, ROUTING_FAILURE_QUEUE_URL.
"""

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from riskline_schema import LakeRecord

from .convert import lake_row
from .errors import UnconvertibleRecord
from .keys import ApplicantKey
from .lake import LakeWriter
from .service import Router
from .settings import Settings
from .warehouse import open_warehouse

BATCH_GET_LIMIT = 100
ROWS_PER_WRITE = 500  # one lake object per partition per write; bounded so no object grows huge
ARRIVAL_SLACK = timedelta(minutes=1)
MAX_EMPTY_READS = 50  # an open shard answers empty pages until new records come


@dataclass
class RedriveReport:
    requested: int = 0
    rebuilt: int = 0
    objects: int = 0
    missing: list[str] = field(default_factory=list)
    unconvertible: list[str] = field(default_factory=list)
    messages: int = 0

    def line(self) -> str:
        return (
            f"redrive: requested={self.requested} rebuilt={self.rebuilt} lake_objects={self.objects} "
            f"missing={len(self.missing)} unconvertible={len(self.unconvertible)} messages_deleted={self.messages}"
        )


@dataclass
class Redrive:
    """The pieces a redrive needs; `from_env` builds the real ones."""

    dynamodb: Any
    table: str
    secret: bytes
    router: Router
    streams: Any = None
    sqs: Any = None

    @classmethod
    def from_env(cls, settings: Settings) -> "Redrive":
        from riskline_runtime.clients import client

        return cls(
            dynamodb=client("dynamodb"),
            table=settings.require("applications_table"),
            secret=ApplicantKey(client("secretsmanager"), settings.applicant_key_secret_arn).get(),
            router=Router(
                LakeWriter(client("s3"), settings.require("lake_bucket"), settings.lake_prefix),
                open_warehouse(settings),
            ),
            streams=client("dynamodbstreams"),
            sqs=client("sqs"),
        )

    # -- rebuilding ---------------------------------------------------------------------------------

    def rebuild(self, application_ids: Iterable[str], report: RedriveReport | None = None) -> RedriveReport:
        """Read each item now and write its lake and warehouse rows; ids not in the table are reported."""
        report = report or RedriveReport()
        ids = sorted(set(application_ids))
        report.requested += len(ids)
        rows: list[LakeRecord] = []
        for start in range(0, len(ids), BATCH_GET_LIMIT):
            chunk = ids[start : start + BATCH_GET_LIMIT]
            items = self._get_items(chunk)
            report.missing += [i for i in chunk if i not in items]
            for application_id, item in items.items():
                try:
                    rows.append(lake_row(item, self.secret))
                except UnconvertibleRecord:
                    report.unconvertible.append(application_id)
        for start in range(0, len(rows), ROWS_PER_WRITE):
            persisted = self.router.persist(rows[start : start + ROWS_PER_WRITE])
            report.rebuilt += persisted.rows
            report.objects += len(persisted.objects)
        return report

    def _get_items(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        from riskline_runtime.applications_table import from_attributes

        request = {self.table: {"Keys": [{"application_id": {"S": i}} for i in ids], "ConsistentRead": True}}
        found: dict[str, dict[str, Any]] = {}
        while request:
            answer = self.dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table, []):
                found[item["application_id"]["S"]] = from_attributes(item)
            request = answer.get("UnprocessedKeys") or {}
        return found

    # -- selecting ------------------------------------------------------------------------------------

    def ids_updated_between(self, since: datetime, until: datetime) -> list[str]:
        """Every item whose `updated_at` lies in [since, until] (a scan: an operator's tool, not a hot path)."""
        ids: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "ProjectionExpression": "application_id, updated_at",
            "ConsistentRead": True,
        }
        while True:
            page = self.dynamodb.scan(**kwargs)
            for item in page.get("Items", []):
                updated = _instant(item.get("updated_at", {}).get("S"))
                if updated is not None and since <= updated <= until:
                    ids.append(item["application_id"]["S"])
            if "LastEvaluatedKey" not in page:
                return ids
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def ids_of_failed_batch(self, message_body: str) -> list[str]:
        """The ids in one on-failure record's stream range; its arrival window once the stream trimmed it."""
        info = json.loads(message_body).get("DDBStreamBatchInfo")
        if not isinstance(info, dict):
            raise ValueError("not a DynamoDB stream on-failure record (no DDBStreamBatchInfo)")
        try:
            return self._ids_in_stream_range(info)
        except Exception:  # trimmed (older than 24 h), shard gone, or a range the stream cannot serve
            first = _instant(info.get("approximateArrivalOfFirstRecord"))
            last = _instant(info.get("approximateArrivalOfLastRecord")) or first
            if first is None or last is None:
                raise ValueError("the on-failure record names neither a readable range nor arrival times") from None
            return self.ids_updated_between(first - ARRIVAL_SLACK, last + ARRIVAL_SLACK)

    def _ids_in_stream_range(self, info: dict[str, Any]) -> list[str]:
        start, end = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
        iterator = self.streams.get_shard_iterator(
            StreamArn=info["streamArn"],
            ShardId=info["shardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info["startSequenceNumber"],
        )["ShardIterator"]
        ids: list[str] = []
        empty = 0
        while iterator and empty < MAX_EMPTY_READS:
            page = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            records = page.get("Records", [])
            empty = 0 if records else empty + 1
            for record in records:
                sequence = int(record["dynamodb"]["SequenceNumber"])
                if sequence > end:
                    return ids
                if sequence >= start:
                    ids.append(record["dynamodb"]["Keys"]["application_id"]["S"])
            iterator = page.get("NextShardIterator")
        if not ids:
            raise LookupError("no record of the range was found in the stream")
        return ids

    def from_queue(self, queue_url: str, report: RedriveReport | None = None) -> RedriveReport:
        """Drain the failure queue: each message's items rebuilt, then the message deleted."""
        report = report or RedriveReport()
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=300
            ).get("Messages", [])
            if not messages:
                return report
            for message in messages:
                self.rebuild(self.ids_of_failed_batch(message["Body"]), report)
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                report.messages += 1


def _instant(value: Any) -> datetime | None:
    """ISO-8601 text (AWS) or epoch seconds (the local stack's poller) → aware UTC datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        return datetime.fromtimestamp(float(value), UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _moment(text: str) -> datetime:
    value = _instant(text)
    if value is None:
        raise argparse.ArgumentTypeError("expected an ISO-8601 time, e.g. 2026-12-01T00:00Z")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_routing.redrive", description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--ids", nargs="+", metavar="ID", help="application ids to rebuild")
    what.add_argument("--from-queue", action="store_true", help="the routing failure queue's messages")
    what.add_argument("--since", type=_moment, help="items updated at or after this time (with --until)")
    parser.add_argument("--until", type=_moment, help="items updated at or before this time (with --since)")
    parser.add_argument("--queue-url", help="failure queue (default ROUTING_FAILURE_QUEUE_URL)")
    args = parser.parse_args(argv)
    if (args.since is None) != (args.until is None):
        parser.error("--since and --until go together")
    if args.since is not None and args.until < args.since:
        parser.error("--until is before --since")
    settings = Settings.from_env()
    redrive = Redrive.from_env(settings)
    if args.ids:
        report = redrive.rebuild(args.ids)
    elif args.from_queue:
        report = redrive.from_queue(args.queue_url or settings.require("failure_queue_url"))
    else:
        report = redrive.rebuild(redrive.ids_updated_between(args.since, args.until))
    print(report.line())
    for application_id in report.missing:
        print(f"not in the table: {application_id}")
    for application_id in report.unconvertible:
        print(f"not convertible (see the field problems with --ids): {application_id}")
    return 1 if report.unconvertible else 0


if __name__ == "__main__":
    sys.exit(main())
