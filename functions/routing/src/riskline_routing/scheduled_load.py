"""One scheduled warehouse load: the markers since the watermark, one transaction, the next watermark.

A run reads the watermark; lists the load-log markers written after it and at least `settle_s`
ago (a stream batch that took its marker's timestamp is done writing by then); loads every lake
object they name in one transaction (Redshift: one COPY of a manifest, then the shared newer-wins
MERGE; DuckDB: the same SQL over the rows); then advances the watermark with a conditional write.
A failed load leaves the watermark where it was, so the next run loads the same markers again; a
run that loses the watermark race to an overlapping one stops there (its load changed nothing
the winner's did not).
"""

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from .errors import ConfigurationError, WarehouseError, WatermarkConflict
from .lake import read_objects
from .load_log import Marker, list_markers
from .warehouse import Warehouse, WarehouseLoad
from .watermark import Watermark, WatermarkStore

MANIFESTS = "manifests"
# Bounds one run's listing and reads; a backlog beyond it is loaded by the following runs.
MAX_MARKERS_PER_RUN = 5000


@dataclass(frozen=True)
class Pending:
    """What one run found: the watermark it read and the settled markers after it."""

    watermark: Watermark
    markers: tuple[Marker, ...]
    started: datetime

    @property
    def objects(self) -> list[str]:
        # A redelivered batch logs its objects twice: load each once, in marker order.
        return list(dict.fromkeys(uri for marker in self.markers for uri in marker.objects))

    def lag_s(self, at: datetime) -> float:
        return (at - self.markers[0].written_at).total_seconds() if self.markers else 0.0


@dataclass(frozen=True)
class LoadReport:
    outcome: str  # "loaded", "empty" or "lost-race"
    markers: int
    objects: int
    lag_s: float
    last_marker: str | None

    def line(self) -> str:
        return (
            f"warehouse load: {self.outcome} markers={self.markers} objects={self.objects} "
            f"lag_s={self.lag_s:.0f} watermark={self.last_marker or '-'}"
        )


class WarehouseLoader:
    def __init__(
        self,
        s3: Any,
        bucket: str | None,
        load_log_prefix: str,
        warehouse: Warehouse,
        *,
        settle_s: float,
        clock: Callable[[], float] = time.time,
        max_markers: int = MAX_MARKERS_PER_RUN,
    ) -> None:
        if not bucket:
            raise ConfigurationError("LAKE_BUCKET is not set")
        self._s3, self._bucket, self._prefix = s3, bucket, load_log_prefix.strip("/")
        self._warehouse, self._settle_s, self._clock, self._max = warehouse, settle_s, clock, max_markers
        self.watermarks = WatermarkStore(s3, bucket, self._prefix)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def pending(self) -> Pending:
        started = self._now()
        watermark = self.watermarks.read()
        settled = started - timedelta(seconds=self._settle_s)
        listed = list_markers(self._s3, self._bucket, self._prefix, after=watermark.last_marker, until=settled)
        return Pending(watermark=watermark, markers=tuple(islice(listed, self._max)), started=started)

    def load(self, pending: Pending) -> LoadReport:
        """Load the pending markers' objects in one transaction, then advance the watermark.

        Raises WarehouseError when the load did not complete (the watermark is untouched).
        """
        if not pending.markers:
            return LoadReport("empty", 0, 0, 0.0, pending.watermark.last_marker)
        objects = pending.objects
        self._warehouse.upsert(self._load_of(pending, objects))
        last = pending.markers[-1].key
        lag_s = pending.lag_s(self._now())
        try:
            self.watermarks.advance(pending.watermark, last, loaded_at=self._now(), markers=len(pending.markers))
        except WatermarkConflict:
            return LoadReport("lost-race", len(pending.markers), len(objects), lag_s, pending.watermark.last_marker)
        return LoadReport("loaded", len(pending.markers), len(objects), lag_s, last)

    def run(self) -> LoadReport:
        return self.load(self.pending())

    def _load_of(self, pending: Pending, objects: Sequence[str]) -> WarehouseLoad:
        if not self._warehouse.copies_from_lake:
            return WarehouseLoad(rows=read_objects(objects, s3=self._s3), sources=objects)
        return WarehouseLoad(rows=(), sources=objects, manifest=self._write_manifest(pending, objects))

    def _write_manifest(self, pending: Pending, objects: Sequence[str]) -> str:
        # Named after the run's last marker: a retried run rewrites its own manifest.
        stem = pending.markers[-1].key.rsplit("/", 1)[-1]
        key = f"{self._prefix}/{MANIFESTS}/{stem}"
        body = json.dumps({"entries": [{"url": uri, "mandatory": True} for uri in objects]}).encode()
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType="application/json")
        except Exception as exc:  # botocore raises many types; the load cannot start without it
            raise WarehouseError(f"put manifest s3://{self._bucket}/{key} failed: {type(exc).__name__}") from exc
        return f"s3://{self._bucket}/{key}"
