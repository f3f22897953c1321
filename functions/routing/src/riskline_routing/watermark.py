"""The loader's watermark: the last load-log marker loaded, one S3 object written conditionally.

`<LOAD_LOG_PREFIX>/watermark.json` = {"last_marker": key, "loaded_at": iso, "markers": n}.
A run reads it with its ETag and writes the next one with `If-Match` (or `If-None-Match: *` when
there is none yet), so two overlapping runs cannot both advance it: the second gets
412 Precondition Failed and stops. Its load is harmless (newer-wins), the next run goes on from
the winner's watermark.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import WatermarkConflict

NAME = "watermark.json"
# 412: the ETag no longer matches (If-Match) or the object appeared (If-None-Match);
# 409: a concurrent conditional write to the same key is in flight.
_LOST_RACE = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


def watermark_key(load_log_prefix: str) -> str:
    return f"{load_log_prefix.strip('/')}/{NAME}"


@dataclass(frozen=True)
class Watermark:
    last_marker: str | None
    etag: str | None  # None: no watermark object yet


class WatermarkStore:
    def __init__(self, s3: Any, bucket: str, load_log_prefix: str) -> None:
        self._s3, self._bucket, self._key = s3, bucket, watermark_key(load_log_prefix)

    def read(self) -> Watermark:
        # Listed first: with s3:ListBucket granted for the load-log prefix only, a GetObject of a
        # missing key answers 403, not 404, so absence is told by the listing.
        listed = self._s3.list_objects_v2(Bucket=self._bucket, Prefix=self._key, MaxKeys=1).get("Contents", [])
        if not any(obj["Key"] == self._key for obj in listed):
            return Watermark(last_marker=None, etag=None)
        got = self._s3.get_object(Bucket=self._bucket, Key=self._key)
        body = json.loads(got["Body"].read())
        return Watermark(last_marker=body.get("last_marker"), etag=got["ETag"])

    def advance(self, current: Watermark, last_marker: str, *, loaded_at: datetime, markers: int) -> Watermark:
        """Write the next watermark only if `current` is still the stored one."""
        body = json.dumps({"last_marker": last_marker, "loaded_at": loaded_at.isoformat(), "markers": markers})
        condition = {"IfMatch": current.etag} if current.etag else {"IfNoneMatch": "*"}
        try:
            put = self._s3.put_object(
                Bucket=self._bucket, Key=self._key, Body=body.encode(), ContentType="application/json", **condition
            )
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _LOST_RACE:
                raise WatermarkConflict(f"s3://{self._bucket}/{self._key} was moved by another run") from exc
            raise
        return Watermark(last_marker=last_marker, etag=put["ETag"])
