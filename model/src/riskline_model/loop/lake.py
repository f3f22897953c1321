"""Where the lake's objects are, as files DuckDB can read.

The lake layout is `<prefix>/dt=YYYY-MM-DD/channel=<channel>/<batch-id>.jsonl` (docs/CONTRACTS.md).
The loop reads local files only: a lake folder (the local stack, tests), the S3 prefix as a
SageMaker Processing job mounts it (`/opt/ml/processing/input/lake`), or an `s3://bucket/prefix`
that is first downloaded object by object to a folder (boto3's managed transfer streams each object
to disk in chunks, so memory stays bounded whatever the lake's size).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SUFFIX = ".jsonl"
PROCESSING_INPUT = Path("/opt/ml/processing/input/lake")


@dataclass(frozen=True)
class DateRange:
    """Inclusive `dt=` partition dates; either end may be open."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"until ({self.until}) is before since ({self.since})")

    def holds(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def _partition_day(part: str) -> date | None:
    if not part.startswith("dt="):
        return None
    try:
        return date.fromisoformat(part[3:])
    except ValueError:
        return None


def _in_range(relative_parts: tuple[str, ...], days: DateRange) -> bool:
    day = next((d for d in map(_partition_day, relative_parts) if d is not None), None)
    return day is not None and days.holds(day)


def partition_day(path: Path) -> date | None:
    """The `dt=` date of a lake object's path, if it has one."""
    return next((d for d in map(_partition_day, path.parts) if d is not None), None)


def local_files(root: Path, days: DateRange = DateRange()) -> list[Path]:
    """Every lake object under `root` whose `dt=` partition lies in `days`, in path order."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such lake folder")
    return sorted(p for p in root.rglob(f"*{SUFFIX}") if _in_range(p.relative_to(root).parts, days))


def parse_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"{uri!r} is not an s3:// URI")
    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        raise ValueError(f"{uri!r} names no bucket")
    return bucket, prefix.strip("/")


def _s3_keys(s3: Any, bucket: str, prefix: str) -> Iterator[tuple[str, int]]:
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith(SUFFIX):
                yield obj["Key"], obj["Size"]


def download(uri: str, dest: Path, days: DateRange = DateRange(), *, s3: Any = None) -> Path:
    """Copy the lake objects under `uri` (within `days`) to `dest`, keeping their relative keys.

    An object already there with the same size is not fetched again (lake objects are immutable per
    batch id), so a re-run only pays for what is new.
    """
    if s3 is None:
        import boto3

        s3 = boto3.client("s3")
    bucket, prefix = parse_s3_uri(uri)
    for key, size in _s3_keys(s3, bucket, prefix):
        relative = key[len(prefix) + 1 :] if prefix else key
        if not _in_range(Path(relative).parts, days):
            continue
        target = dest / relative
        if target.is_file() and target.stat().st_size == size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(target))
    return dest


def resolve(location: str, scratch: Path, days: DateRange = DateRange(), *, s3: Any = None) -> list[Path]:
    """The lake files for `location` (a folder or an s3:// prefix fetched under `scratch`)."""
    if location.startswith("s3://"):
        return local_files(download(location, scratch, days, s3=s3), days)
    return local_files(Path(location), days)
