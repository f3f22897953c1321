"""A DynamoDB Streams event source mapping, as Lambda runs one.

Reads the mapping Terraform created (batch size, starting position, retries, bisect, response types,
on-failure destination), polls every shard with GetRecords and invokes the function with batches
shaped as Lambda delivers them: `eventSourceARN` added and `ApproximateCreationDateTime` as epoch
seconds. A batch that fails is retried with exponential backoff; with `ReportBatchItemFailures` a
partial failure retries from the lowest failed sequence number; with bisect a failing batch is
split; past `MaximumRetryAttempts` the batch's description goes to the on-failure destination
(SQS). Shards are processed in order.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .background import BackgroundLoop
from .lambda_runtime import LambdaRuntime

log = logging.getLogger("riskline.streams")
POLL_INTERVAL_S = 0.1
RETRY_BACKOFF_S = 0.5  # doubled on each retry of the same batch, up to the cap
RETRY_BACKOFF_CAP_S = 30.0


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record → the record a Lambda stream event carries."""
    out = dict(record)
    dynamodb = dict(out["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    out["dynamodb"] = dynamodb
    out["eventSourceARN"] = stream_arn
    out.setdefault("awsRegion", region)
    return out


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(type(value).__name__)


class StreamPoller(BackgroundLoop):
    thread_name = "stream-poller"

    def __init__(
        self,
        *,
        streams_client: Any,
        sqs_client: Any,
        runtime: LambdaRuntime,
        mapping: dict[str, Any],
        region: str = "us-east-1",
        on_delivered: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.streams = streams_client
        self.sqs = sqs_client
        self.runtime = runtime
        self.stream_arn = mapping["EventSourceArn"]
        self.function = mapping["FunctionArn"]
        self.batch_size = int(mapping.get("BatchSize") or 100)
        self.starting_position = mapping.get("StartingPosition") or "TRIM_HORIZON"
        retries = mapping.get("MaximumRetryAttempts")
        self.max_retries = -1 if retries is None else int(retries)
        self.bisect = bool(mapping.get("BisectBatchOnFunctionError"))
        self.partial = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        destination = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.on_failure_arn = destination
        self.region = region
        self.on_delivered = on_delivered
        super().__init__()
        self._buffer: list[dict[str, Any]] = []
        self._caught_up = False
        self.delivered = 0
        self.batches = 0
        self.failed_batches = 0
        self.retries = 0
        self.sent_to_failure_destination = 0
        self.lag_ms: list[float] = []

    # -- lifecycle -------------------------------------------------------------------------------

    def idle(self) -> bool:
        """Nothing buffered and the last GetRecords on every shard came back empty."""
        return self._caught_up and not self._buffer

    # -- polling ---------------------------------------------------------------------------------

    def _iterators(self) -> dict[str, str]:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        out = {}
        for shard in shards:
            out[shard["ShardId"]] = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType=self.starting_position
            )["ShardIterator"]
        return out

    def _run(self) -> None:
        iterators: dict[str, str] = {}
        while not self._stop.is_set():
            try:
                if not iterators:
                    iterators = self._iterators()
                fetched = 0
                for shard_id, iterator in list(iterators.items()):
                    answer = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                    records = answer.get("Records", [])
                    fetched += len(records)
                    self._buffer.extend(lambda_record(r, self.stream_arn, self.region) for r in records)
                    if answer.get("NextShardIterator"):
                        iterators[shard_id] = answer["NextShardIterator"]
                    else:
                        del iterators[shard_id]
                while self._buffer and not self._stop.is_set():
                    self._deliver()
                self._caught_up = fetched == 0 and not self._buffer
            except Exception:
                log.exception("stream poller error; retrying")
                self._caught_up = False
            if self._caught_up:
                self._stop.wait(POLL_INTERVAL_S)

    def _deliver(self) -> None:
        """Deliver the head of the buffer until it succeeds or is sent to the failure destination."""
        size = min(self.batch_size, len(self._buffer))
        attempts = 0
        while not self._stop.is_set():
            batch = self._buffer[:size]
            outcome = self._invoke(batch)
            self.batches += 1
            if outcome is None:  # every record succeeded
                self._done(batch)
                return
            if isinstance(outcome, int):  # partial failure: checkpoint before the first failed record
                self._done(batch[:outcome])
                batch = batch[outcome:]
                size = len(batch)
            self.failed_batches += 1
            attempts += 1
            if 0 <= self.max_retries < attempts:
                self._to_failure_destination(batch)
                del self._buffer[: len(batch)]
                return
            self.retries += 1
            if self.bisect and outcome == "error" and size > 1:
                size = (size + 1) // 2
            self._stop.wait(min(RETRY_BACKOFF_CAP_S, RETRY_BACKOFF_S * 2 ** (attempts - 1)))

    def _done(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        del self._buffer[: len(batch)]
        self.delivered += len(batch)
        now = time.time()
        for record in batch:
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            if isinstance(created, (int, float)):
                self.lag_ms.append(max(0.0, (now - created) * 1000))
        if self.on_delivered:
            self.on_delivered(batch)

    def _invoke(self, batch: list[dict[str, Any]]) -> int | str | None:
        """None on success, the index of the first failed record, or "error" for a failed invocation."""
        target = self.runtime.resolve(self.function)
        result = self.runtime.invoke(target, json.dumps({"Records": batch}, default=_json_default))
        if result.function_error:
            log.warning("stream batch of %d failed: %s", len(batch), result.payload[:300])
            return "error"
        if not self.partial:
            return None
        try:
            answer = json.loads(result.payload) or {}
            failures = (answer.get("batchItemFailures") or []) if isinstance(answer, dict) else []
        except ValueError:
            return None
        if not failures:
            return None
        positions = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(batch)}
        indexes = [positions.get(str(f.get("itemIdentifier"))) for f in failures]
        if any(i is None for i in indexes):
            return "error"  # an unknown identifier fails the whole batch, as Lambda treats it
        return min(i for i in indexes if i is not None)

    def _to_failure_destination(self, batch: list[dict[str, Any]]) -> None:
        self.sent_to_failure_destination += len(batch)
        log.error("stream batch of %d records exhausted its retries", len(batch))
        if not self.on_failure_arn:
            return
        queue_name = self.on_failure_arn.rsplit(":", 1)[-1]
        queue_url = self.sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        first, last = batch[0], batch[-1]
        body = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self.max_retries + 1,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": first.get("eventID", ""),
                "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": first["dynamodb"].get("ApproximateCreationDateTime"),
                "approximateArrivalOfLastRecord": last["dynamodb"].get("ApproximateCreationDateTime"),
                "batchSize": len(batch),
                "streamArn": self.stream_arn,
            },
        }
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body, default=str))
