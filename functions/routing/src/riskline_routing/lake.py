"""The S3 data lake: one JSON Lines object per partition per batch, and the reader's dedupe rule.

Key layout (docs/CONTRACTS.md): `<prefix>/dt=YYYY-MM-DD/channel=<channel>/<batch-id>.jsonl`.
The batch id is a hash of the batch's row versions (application_id, updated_at), so a
redelivered batch rewrites its own objects. A retry that carries a different subset (a
bisected batch, or the records after a poison one) lands under another id: readers therefore
keep the latest `updated_at` per application_id, which makes such duplicates harmless.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from riskline_schema import LakeRecord

from .convert import latest_per_application
from .errors import LakeWriteError

CONTENT_TYPE = "application/x-ndjson"
SUFFIX = ".jsonl"


@dataclass(frozen=True)
class LakeObject:
    bucket: str
    key: str
    rows: int

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def batch_id(rows: Iterable[LakeRecord]) -> str:
    """Deterministic id of a set of row versions (order-insensitive)."""
    versions = sorted(f"{row.application_id}|{row.updated_at.isoformat()}" for row in rows)
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()[:32]


def object_key(prefix: str, partition: str, batch: str) -> str:
    return f"{prefix}/{partition}/{batch}{SUFFIX}" if prefix else f"{partition}/{batch}{SUFFIX}"


def to_jsonl(rows: Iterable[LakeRecord]) -> bytes:
    return "".join(row.model_dump_json() + "\n" for row in rows).encode()


class LakeWriter:
    def __init__(self, s3: Any, bucket: str | None, prefix: str) -> None:
        self._s3, self._bucket, self._prefix = s3, bucket, prefix.strip("/")

    def write_batch(self, rows: Sequence[LakeRecord]) -> list[LakeObject]:
        """Write the latest version of each application, grouped by partition; return the objects."""
        if not rows:
            return []
        if not self._bucket:
            raise LakeWriteError("LAKE_BUCKET is not set")
        latest = latest_per_application(rows)
        batch = batch_id(latest)
        by_partition: dict[str, list[LakeRecord]] = defaultdict(list)
        for row in latest:
            by_partition[row.partition].append(row)
        written = []
        for partition in sorted(by_partition):
            part_rows = sorted(by_partition[partition], key=lambda r: r.application_id)
            key = object_key(self._prefix, partition, batch)
            try:
                self._s3.put_object(Bucket=self._bucket, Key=key, Body=to_jsonl(part_rows), ContentType=CONTENT_TYPE)
            except Exception as exc:  # botocore raises many types; all mean "not written"
                raise LakeWriteError(f"put s3://{self._bucket}/{key} failed: {type(exc).__name__}") from exc
            written.append(LakeObject(self._bucket, key, len(part_rows)))
        return written


def _days(since: date | str, until: date | str) -> list[date]:
    since, until = _as_date(since), _as_date(until)
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def list_lake_objects(bucket: str, prefix: str, since: date | str, until: date | str, *, s3: Any = None) -> list[str]:
    """Keys of every lake object whose partition date lies in [since, until]."""
    s3 = s3 or _default_s3()
    prefix = prefix.strip("/")
    keys: list[str] = []
    paginator = s3.get_paginator("list_objects_v2")
    for day in _days(since, until):
        day_prefix = f"{prefix}/dt={day.isoformat()}/" if prefix else f"dt={day.isoformat()}/"
        for page in paginator.paginate(Bucket=bucket, Prefix=day_prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", []) if obj["Key"].endswith(SUFFIX))
    return keys


def read_lake(
    bucket: str, prefix: str, since: date | str, until: date | str, *, s3: Any = None
) -> dict[str, LakeRecord]:
    """The lake as readers must see it: the latest row (by updated_at) per application_id.

    `since` and `until` are inclusive submission dates (the `dt=` partitions), as dates or
    `YYYY-MM-DD` strings.
    """
    s3 = s3 or _default_s3()
    uris = [f"s3://{bucket}/{key}" for key in list_lake_objects(bucket, prefix, since, until, s3=s3)]
    return {row.application_id: row for row in read_objects(uris, s3=s3)}


def read_objects(uris: Iterable[str], *, s3: Any = None) -> list[LakeRecord]:
    """The rows of these lake objects (`s3://bucket/key`), the latest per application_id."""
    s3 = s3 or _default_s3()
    rows: list[LakeRecord] = []
    for uri in uris:
        bucket, key = uri.removeprefix("s3://").split("/", 1)
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        rows.extend(LakeRecord.model_validate_json(line) for line in body.splitlines() if line.strip())
    return latest_per_application(rows)


def _default_s3() -> Any:
    from riskline_runtime.clients import client  # the handler injects its own; this serves the CLI and the demo

    return client("s3")
