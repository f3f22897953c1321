"""The load log: one small marker per persisted batch, naming the lake objects it wrote.

In scheduled mode (WAREHOUSE_LOAD_MODE=scheduled) the stream handler writes the lake objects and
then a marker instead of upserting the warehouse; `riskline_routing.loader` loads every marker
since its watermark in one transaction. Layout (docs/CONTRACTS.md):

    <LOAD_LOG_PREFIX>/markers/<YYYYMMDDTHHMMSS.ffffffZ>-<batch-id>.json   {"objects": [uri, ...], "rows": n}

The key starts with the instant the marker was written, fixed width, so S3's lexicographic
listing is chronological and `StartAfter=<last loaded key>` lists exactly what is new. A
redelivered batch writes a second marker for the same objects: the load is newer-wins, so loading
an object twice changes nothing.
"""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import LoadLogError
from .settings import Settings
from .warehouse import Warehouse, WarehouseLoad, open_warehouse

MARKERS = "markers"
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_STAMP_LENGTH = len("20261207T061500.000000Z")


def markers_prefix(load_log_prefix: str) -> str:
    return f"{load_log_prefix.strip('/')}/{MARKERS}/"


def marker_key(load_log_prefix: str, written_at: datetime, batch: str) -> str:
    return f"{markers_prefix(load_log_prefix)}{written_at.astimezone(UTC).strftime(_STAMP)}-{batch}.json"


def written_at(key: str) -> datetime:
    """The instant a marker was written, read back from its key."""
    stamp = key.rsplit("/", 1)[-1][:_STAMP_LENGTH]
    return datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)


def _batch_of(uri: str) -> str:
    # Every object of one batch is named <batch-id>.jsonl (lake.object_key).
    return uri.rsplit("/", 1)[-1].removesuffix(".jsonl")


@dataclass(frozen=True)
class Marker:
    key: str
    objects: tuple[str, ...]
    rows: int

    @property
    def written_at(self) -> datetime:
        return written_at(self.key)


class LoadLog:
    """The stream handler's warehouse in scheduled mode: `upsert` logs the batch for the loader.

    It stands behind the same port as the warehouse adapters, so the Router's order (lake first,
    then the warehouse step) and its failure handling stay as they are.
    """

    copies_from_lake = True  # it needs only the lake objects' URIs, not the rows

    def __init__(self, s3: Any, bucket: str | None, prefix: str, *, clock: Callable[[], float] = time.time) -> None:
        self._s3, self._bucket, self._prefix, self._clock = s3, bucket, prefix, clock

    def upsert(self, load: WarehouseLoad) -> None:
        if not load.sources:
            return
        if not self._bucket:
            raise LoadLogError("LAKE_BUCKET is not set")
        now = datetime.fromtimestamp(self._clock(), UTC)
        key = marker_key(self._prefix, now, _batch_of(load.sources[0]))
        body = json.dumps({"objects": list(load.sources), "rows": len(load.rows)}).encode()
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType="application/json")
        except Exception as exc:  # botocore raises many types; all mean "not written"
            raise LoadLogError(f"put s3://{self._bucket}/{key} failed: {type(exc).__name__}") from exc


def list_markers(s3: Any, bucket: str, prefix: str, *, after: str | None, until: datetime) -> Iterator[Marker]:
    """Markers whose key sorts after `after` and that were written at or before `until`, oldest first."""
    paginator = s3.get_paginator("list_objects_v2")
    arguments = {"Bucket": bucket, "Prefix": markers_prefix(prefix)}
    if after:
        arguments["StartAfter"] = after
    for page in paginator.paginate(**arguments):
        for listed in page.get("Contents", []):
            key = listed["Key"]
            if written_at(key) > until:
                return  # keys are chronological: everything after this one is newer still
            body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            yield Marker(key=key, objects=tuple(body["objects"]), rows=int(body.get("rows", 0)))


def stream_target(settings: Settings, s3: Any) -> Warehouse:
    """What the stream handler's Router writes after the lake: the load log (scheduled mode) or,
    per batch, the warehouse itself (stream mode). Replay and redrive always upsert directly."""
    if settings.warehouse_load_mode == "scheduled":
        return LoadLog(s3, settings.lake_bucket, settings.load_log_prefix)
    return open_warehouse(settings)
