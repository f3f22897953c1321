"""A window of the lake as the monitor reads it: the latest row per application, columns as lists.

Objects are listed per `dt=` day and streamed line by line; only the latest version of each
application is kept (the lake's reader rule), so memory grows with the window's applications, not
with the objects' sizes.
"""

import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from riskline_schema import FINANCIAL_FIELDS

from .errors import BaselineMissing

BASELINE = "baseline.json"
SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Window:
    since: date
    until: date
    columns: dict[str, list[Any]]
    probability: list[float | None]
    tiers: list[str | None]
    rejected: list[int | None]  # None: not audited (yet)
    objects: int

    @property
    def rows(self) -> int:
        return len(self.probability)


def _days(since: date, until: date) -> Iterator[date]:
    day = since
    while day <= until:
        yield day
        day += timedelta(days=1)


def _lines(s3: Any, bucket: str, key: str) -> Iterator[bytes]:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    yield from body.iter_lines()


def rejected_of(row: dict[str, Any], reject_grades: frozenset[str]) -> int | None:
    """1 rejected, 0 accepted, None not audited; a graded audit counts by its grade."""
    grade = row.get("audit_grade")
    if grade:
        return int(str(grade).lower() in reject_grades)
    outcome = row.get("audit_outcome")
    return None if outcome is None else int(outcome == "reject")


def read_window(
    s3: Any,
    bucket: str,
    prefix: str,
    until: date,
    days: int,
    reject_grades: frozenset[str] = frozenset({"high", "e", "f", "g"}),
) -> Window:
    since = until - timedelta(days=days - 1)
    latest: dict[str, dict[str, Any]] = {}
    objects = 0
    paginator = s3.get_paginator("list_objects_v2")
    for day in _days(since, until):
        day_prefix = f"{prefix}/dt={day.isoformat()}/" if prefix else f"dt={day.isoformat()}/"
        for page in paginator.paginate(Bucket=bucket, Prefix=day_prefix):
            for obj in page.get("Contents", []):
                if not obj["Key"].endswith(SUFFIX):
                    continue
                objects += 1
                for line in _lines(s3, bucket, obj["Key"]):
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    seen = latest.get(row["application_id"])
                    if seen is None or row["updated_at"] > seen["updated_at"]:
                        latest[row["application_id"]] = row
    rows = list(latest.values())
    return Window(
        since=since,
        until=until,
        columns={f: [r.get(f) for r in rows] for f in FINANCIAL_FIELDS},
        probability=[r.get("probability") for r in rows],
        tiers=[r.get("tier") for r in rows],
        rejected=[rejected_of(r, reject_grades) for r in rows],
        objects=objects,
    )


def read_baseline(s3: Any, bucket: str, models_prefix: str, model_version: str) -> dict[str, Any]:
    """`baseline.json` from the served artifact, `s3://<bucket>/<models>/<version>/model.tar.gz`."""
    key = f"{models_prefix}/{model_version}/model.tar.gz"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        raise BaselineMissing(f"s3://{bucket}/{key} does not exist (MODEL_VERSION={model_version})") from None
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        try:
            member = tar.extractfile(BASELINE)
        except KeyError:
            member = None
        if member is None:
            raise BaselineMissing(f"s3://{bucket}/{key} has no {BASELINE}: retrain to store a baseline")
        return json.loads(member.read())
