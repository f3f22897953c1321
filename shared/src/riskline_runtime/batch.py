"""Partial batch responses for SQS and DynamoDB-stream consumers.

Lambda's contract (ReportBatchItemFailures): the handler returns
`{"batchItemFailures": [{"itemIdentifier": …}]}` naming the records to redeliver — an SQS record by
its `messageId`, a stream record by its `dynamodb.SequenceNumber` (the stream resumes from the
first one named). Every record is handled, whatever the others do. When every record fails, the
invocation itself fails (`BatchFailed`): the whole batch comes back, and the failure shows in the
function's Errors metric instead of hiding in a successful response.

Why not powertools' BatchProcessor: the consumers here take the raw records (they parse their own
shapes), and importing the utility costs 40 to 50 ms of a cold start (it loads powertools' event data
classes and, when pydantic is loaded, builds its parser models), a third of the consumers' init
(`make bench-coldstart`). The contract itself is these few lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Record = Mapping[str, Any]


class BatchFailed(Exception):
    """Every record of the batch failed; the message lists each failure's type and text."""

    def __init__(self, failures: list[tuple[str, BaseException]]) -> None:
        self.failures = failures
        lines = [f"{identifier}: {type(error).__name__}: {error}" for identifier, error in failures]
        super().__init__(f"all {len(failures)} records of the batch failed\n" + "\n".join(lines))


def sqs_message_id(record: Record) -> str:
    return str(record["messageId"])


def stream_sequence_number(record: Record) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def partial_response(
    records: Iterable[Record],
    handle: Callable[[Record], object],
    identify: Callable[[Record], str],
) -> dict[str, list[dict[str, str]]]:
    """Calls `handle` on every record; a record whose call raises is reported for redelivery."""
    failures: list[tuple[str, BaseException]] = []
    count = 0
    for record in records:
        count += 1
        try:
            handle(record)
        except Exception as error:  # any failure of one record is that record's, not the batch's
            failures.append((identify(record), error))
    if count and len(failures) == count:
        raise BatchFailed(failures)
    return {"batchItemFailures": [{"itemIdentifier": identifier} for identifier, _ in failures]}
