"""DynamoDB stream consumer (handler `riskline_routing.stream.handler`).

Per record: NewImage → ApplicationRecord → PII-free LakeRecord; a record that cannot be
converted is reported by its sequence number and the others go on (`riskline_runtime.batch`).
Per batch: the good rows go to the lake, then to the warehouse (or, with
WAREHOUSE_LOAD_MODE=scheduled, to the load log that `riskline_routing.loader` drains). If either
write fails, every record of the batch is reported failed so Lambda retries the batch; the retry
rewrites the same lake objects and the upsert is idempotent, so nothing is lost or doubled.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from riskline_runtime.applications_table import from_attributes
from riskline_runtime.batch import Record, partial_response, stream_sequence_number
from riskline_runtime.clients import lazy
from riskline_runtime.observability import entry_point, logger, metrics, traced_method
from riskline_schema import LakeRecord

from .convert import lake_row
from .errors import LakeWriteError, UnconvertibleRecord, WarehouseError
from .keys import ApplicantKey
from .lake import LakeWriter
from .load_log import stream_target
from .service import Persisted, Router
from .settings import Settings

# Built once per container from the environment (AWS_ENDPOINT_URL_* redirect them locally).
settings = Settings.from_env()
applicant_key = ApplicantKey(lazy("secretsmanager"), settings.applicant_key_secret_arn)
s3 = lazy("s3")
# WAREHOUSE_LOAD_MODE: upsert the warehouse per batch, or log the batch for the scheduled loader.
router = Router(
    lake=LakeWriter(s3, settings.lake_bucket, settings.lake_prefix),
    warehouse=stream_target(settings, s3),
)


class _Batch:
    """Collects one invocation's converted rows (the record handler runs once per record)."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.rows: list[LakeRecord] = []

    def convert(self, record: Record) -> None:
        stream = record.get("dynamodb") or {}
        # The key (an opaque id, not PII) correlates a log line with the item, even when the image is broken.
        where = {"sequence_number": stream.get("SequenceNumber"), "application_id": _key_of(stream)}
        if record.get("eventName") == "REMOVE":
            # A deletion carries no new state; the lake and warehouse keep the last version.
            logger.info("skipping REMOVE record", extra=where)
            return
        try:
            image = stream.get("NewImage")
            if not image:
                raise UnconvertibleRecord("stream record has no NewImage (is the stream NEW_AND_OLD_IMAGES?)")
            row = lake_row(_deserialised(image), self.secret)
        except UnconvertibleRecord as exc:
            # The message names fields and problems only (see convert.lake_row): safe to log.
            logger.warning("unconvertible stream record", extra={**where, "error": str(exc)})
            metrics.add_metric(name="UnconvertibleRecords", unit=MetricUnit.Count, value=1)
            raise
        self.rows.append(row)


def _deserialised(image: dict[str, Any]) -> dict[str, Any]:
    """The NewImage as the table adapter reads an item; UnconvertibleRecord when it is not DynamoDB JSON."""
    try:
        return from_attributes(image)
    except (TypeError, KeyError, IndexError, AttributeError) as exc:
        raise UnconvertibleRecord(f"NewImage is not DynamoDB JSON ({type(exc).__name__})") from None


def _key_of(stream: Any) -> str | None:
    keys = stream.get("Keys") if stream else None
    key = (keys or {}).get("application_id")
    return key.get("S") if isinstance(key, dict) else None


def _all_failed(event: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    return {
        "batchItemFailures": [{"itemIdentifier": stream_sequence_number(record)} for record in event.get("Records", [])]
    }


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    metrics.add_metric(name="StreamRecords", unit=MetricUnit.Count, value=len(event.get("Records", [])))
    batch = _Batch(applicant_key.get())
    response = partial_response(event.get("Records") or [], batch.convert, stream_sequence_number)
    if not batch.rows:
        return response
    try:
        persisted = _persist(batch.rows)
    except (LakeWriteError, WarehouseError) as exc:
        logger.error(
            "batch not persisted; reporting every record failed so Lambda retries it",
            extra={"error": str(exc), "error_type": type(exc).__name__, "records": len(event["Records"])},
        )
        failed = "LakeWriteFailedBatches" if isinstance(exc, LakeWriteError) else "WarehouseFailedBatches"
        metrics.add_metric(name=failed, unit=MetricUnit.Count, value=1)
        return _all_failed(event)
    metrics.add_metric(name="LakeRowsWritten", unit=MetricUnit.Count, value=persisted.rows)
    metrics.add_metric(name="LakeObjectsWritten", unit=MetricUnit.Count, value=len(persisted.objects))
    logger.info(
        "batch persisted",
        extra={
            "rows": persisted.rows,
            "objects": [obj.key for obj in persisted.objects],
            "failed_records": len(response["batchItemFailures"]),
        },
    )
    return response


@traced_method
def _persist(rows: list[LakeRecord]) -> Persisted:
    return router.persist(rows)
