"""An SQS event source mapping, as Lambda runs one.

Long-polls the queue, invokes the function with Lambda's SQS event shape and deletes only the
messages that succeeded: all of them when the invocation succeeds (minus the `batchItemFailures`
with `ReportBatchItemFailures`), none when it fails. Failed messages come back after their
visibility timeout, and the queue's redrive policy moves them to the DLQ after `maxReceiveCount`
receives (moto applies it on receive).

One local liberty, documented in local/README.md: a failed message is made visible again after
`retry_base_s`, doubling with each receive (never beyond the queue's own visibility timeout), so a
retry comes back within a demo's time rather than after the queue's production value (six times the
function timeout); five failed receives still take a couple of minutes before the DLQ.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from .background import BackgroundLoop
from .lambda_runtime import LambdaRuntime

log = logging.getLogger("riskline.sqs")


def lambda_sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = {k: str(v) for k, v in (message.get("Attributes") or {}).items()}
    message_attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        message_attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType"),
        }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class SqsPoller(BackgroundLoop):
    thread_name = "sqs-poller"

    def __init__(
        self,
        *,
        sqs_client: Any,
        runtime: LambdaRuntime,
        mapping: dict[str, Any],
        region: str = "us-east-1",
        retry_base_s: int | None = None,
    ) -> None:
        self.sqs = sqs_client
        self.runtime = runtime
        self.queue_arn = mapping["EventSourceArn"]
        self.function = mapping["FunctionArn"]
        self.batch_size = min(10, int(mapping.get("BatchSize") or 10))
        self.partial = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.region = region
        self.queue_url = sqs_client.get_queue_url(QueueName=self.queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
        attrs = sqs_client.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"])
        queue_visibility = int(attrs["Attributes"].get("VisibilityTimeout", 30))
        self.visibility_s = queue_visibility
        self.retry_base_s = retry_base_s
        super().__init__()
        self._in_flight = False
        self._last_empty = False
        self.received = 0
        self.succeeded = 0
        self.failed = 0

    def idle(self) -> bool:
        return self._last_empty and not self._in_flight

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._poll_once()
            except Exception:
                log.exception("sqs poller error; retrying")
                self._stop.wait(0.5)

    def _retry_later(self, records: list[dict[str, Any]]) -> None:
        if not self.retry_base_s:
            return  # as Lambda: back after the queue's visibility timeout
        for record in records:
            receives = int(record["attributes"].get("ApproximateReceiveCount", "1"))
            delay = min(self.visibility_s, self.retry_base_s * 2 ** (receives - 1))
            try:
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=delay
                )
            except Exception:
                log.exception("could not shorten the visibility of a failed message")

    def _poll_once(self) -> None:
        try:
            answer = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=self.batch_size,
                WaitTimeSeconds=1,
                VisibilityTimeout=self.visibility_s,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            messages = answer.get("Messages", [])
            self._last_empty = not messages
            if not messages:
                return
            self._in_flight = True
            self.received += len(messages)
            records = [lambda_sqs_record(m, self.queue_arn, self.region) for m in messages]
            target = self.runtime.resolve(self.function)
            result = self.runtime.invoke(target, json.dumps({"Records": records}))
            if result.function_error:
                log.warning("sqs batch of %d failed: %s", len(records), result.payload[:300])
                self.failed += len(records)
                self._retry_later(records)
                return
            failed_ids: set[str] = set()
            if self.partial:
                try:
                    doc = json.loads(result.payload) or {}
                    failed_ids = {str(f.get("itemIdentifier")) for f in (doc.get("batchItemFailures") or [])}
                except (ValueError, AttributeError):
                    failed_ids = set()
            done = [r for r in records if r["messageId"] not in failed_ids]
            self.failed += len(records) - len(done)
            self._retry_later([r for r in records if r["messageId"] in failed_ids])
            self.succeeded += len(done)
            for start in range(0, len(done), 10):
                chunk = done[start : start + 10]
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)],
                )
        finally:
            self._in_flight = False
