"""Warehouse loads per month and what they cost, per load mode; and one scheduled load timed against
the per-batch upserts it replaces (`make bench-warehouse`).

Part 1, the month: seeded arrivals of N applications (10k, 1M, 10M a month) with a day/night cycle
(peak three times the trough), each giving the stream an INSERT, the scored MODIFY ~0.3 s later,
and for 10 % an audit decision hours later. The stream mapping batches them as Lambda does (a batch
closes `window` seconds after its first record, or at `batch_size` records). Then per mode:

- `stream window=W`: one warehouse load per stream batch (W = 1 s is the mapping's setting; 300 s
  its maximum);
- `scheduled every=I`: the stream handler writes a marker per batch and a loader runs every I
  minutes, loading the markers older than the settle delay; a run with nothing to load does not
  touch the warehouse.

Redshift Serverless bills each second the workgroup is active, with a 60 s minimum per activity, at
8 RPU x $0.375 per RPU-hour: active hours = the union of [load, load + 60 s]. Lag = from a
record's stream arrival until the load that carries it has finished (a scheduled load is taken to
finish 60 s after it starts, a per-batch one 5 s after its batch closes).

Part 2, the same work timed in one run: B stream batches (rows as the 1 M/month stream carries
them) upserted one by one into a DuckDB warehouse, against one scheduled load of the same batches'
markers and lake objects (moto S3) into a fresh one. Median of three rounds each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

MONTH_S = 730 * 3600  # the runbook's 730-hour month
RPU, RPU_HOUR_USD = 8, 0.375
ACTIVITY_MINIMUM_S = 60
SCHEDULED_LOAD_S, BATCH_UPSERT_S = 60.0, 5.0
SCORED_AFTER_S, AUDITED_SHARE = 0.3, 0.10
# S3 requests the scheduled mode adds per stream batch: one marker PUT, one marker GET by the loader.
PUT_USD, GET_USD = 0.005 / 1000, 0.0004 / 1000
LOADER_GB_S_USD, LOADER_REQUEST_USD, LOADER_RUN_GB_S = 0.0000166667, 0.20 / 1e6, 0.5 * 5.0
VOLUMES = (10_000, 1_000_000, 10_000_000)


def arrivals(applications: int, rng: np.random.Generator) -> np.ndarray:
    """Stream record arrival times (s into the month), sorted."""
    # Day/night: rate ∝ 2 + sin(…), peak 3x the trough; sampled by thinning.
    kept: list[np.ndarray] = []
    need = applications
    while need > 0:
        t = rng.uniform(0, MONTH_S, size=int(need * 1.6) + 16)
        rate = (2 + np.sin(2 * np.pi * (t / 86400 - 0.25))) / 3
        t = t[rng.uniform(size=t.size) < rate]
        kept.append(t[:need])
        need -= kept[-1].size
    submitted = np.concatenate(kept)
    scored = submitted + SCORED_AFTER_S
    audited = submitted[rng.uniform(size=submitted.size) < AUDITED_SHARE] + rng.uniform(3600, 8 * 3600)
    records = np.concatenate([submitted, scored, audited[audited < MONTH_S]])
    records.sort()
    return records


def stream_batches(records: np.ndarray, window_s: float, batch_size: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """(close time of each batch, index of each record's batch), as the mapping batches them."""
    closes: list[float] = []
    batch_of = np.empty(records.size, dtype=np.int64)
    i, n = 0, records.size
    while i < n:
        # The batch closes `window_s` after its first record, or at `batch_size` records.
        end = min(int(np.searchsorted(records, records[i] + window_s, side="right")), i + batch_size)
        closes.append(records[end - 1] if end - i == batch_size else records[i] + window_s)
        batch_of[i:end] = len(closes) - 1
        i = end
    return np.asarray(closes), batch_of


def active_seconds(starts: np.ndarray, busy_s: float) -> float:
    """Seconds the workgroup is billed: the union of [start, start + max(busy, 60 s)]."""
    if starts.size == 0:
        return 0.0
    span = max(busy_s, ACTIVITY_MINIMUM_S)
    gaps = np.diff(np.sort(starts))
    return float(np.minimum(gaps, span).sum() + span)


@dataclass(frozen=True)
class Month:
    mode: str
    applications: int
    stream_batches: int
    loads: int
    active_h: float
    redshift_usd: float
    extra_usd: float  # marker requests + loader invocations (scheduled mode)
    lag_p50_s: float
    lag_max_s: float

    def line(self) -> str:
        return (
            f"{self.mode:<31} apps={self.applications:>10,} stream_batches={self.stream_batches:>9,} "
            f"loads={self.loads:>9,} active_h={self.active_h:6.1f} redshift_usd={self.redshift_usd:8.2f} "
            f"extra_usd={self.extra_usd:5.2f} lag_p50_s={self.lag_p50_s:6.0f} lag_max_s={self.lag_max_s:6.0f}"
        )


def _redshift_usd(active_s: float) -> float:
    return active_s / 3600 * RPU * RPU_HOUR_USD


def per_batch(apps: int, records: np.ndarray, window_s: float, batch_size: int = 100) -> Month:
    closes, batch_of = stream_batches(records, window_s, batch_size)
    active = active_seconds(closes, BATCH_UPSERT_S)
    lag = closes[batch_of] + BATCH_UPSERT_S - records
    mode = f"stream window={window_s:g}s" + ("" if batch_size == 100 else f" batch={batch_size}")
    return Month(
        mode, apps, closes.size, closes.size, active / 3600, _redshift_usd(active), 0.0,
        float(np.median(lag)), float(lag.max()),
    )  # fmt: skip


def scheduled(
    apps: int, batches: tuple[np.ndarray, np.ndarray], records: np.ndarray, every_min: int, settle_s: float
) -> Month:
    """The stream mapping as deployed (1 s window, 100 records) writes the markers; a run every `every_min`."""
    closes, batch_of = batches
    every_s = every_min * 60
    runs = np.arange(every_s, MONTH_S + every_s, every_s, dtype=float)
    # A marker written at `close` is loaded by the first run at least `settle_s` later.
    run_of_batch = np.searchsorted(runs, closes + settle_s, side="left")
    loading_runs = np.unique(run_of_batch)
    starts = runs[np.minimum(loading_runs, runs.size - 1)]
    active = active_seconds(starts, SCHEDULED_LOAD_S)
    done = runs[np.minimum(run_of_batch, runs.size - 1)] + SCHEDULED_LOAD_S
    lag = done[batch_of] - records
    per_run_usd = LOADER_REQUEST_USD + LOADER_RUN_GB_S * LOADER_GB_S_USD
    extra = closes.size * (PUT_USD + GET_USD) + runs.size * per_run_usd
    return Month(
        f"scheduled every={every_min}m", apps, closes.size, loading_runs.size, active / 3600,
        _redshift_usd(active), extra, float(np.median(lag)), float(lag.max()),
    )  # fmt: skip


def month_table(seed: int, settle_s: float) -> list[Month]:
    rng = np.random.default_rng(seed)
    rows: list[Month] = []
    for apps in VOLUMES:
        records = arrivals(apps, rng)
        rows.append(per_batch(apps, records, 1.0))
        rows.append(per_batch(apps, records, 300.0))
        # The window reaches its 300 s only if a batch can hold 300 s of records: ~1,000 is what
        # Lambda's 6 MB payload admits of NEW_AND_OLD_IMAGES records (~6 KB each).
        rows.append(per_batch(apps, records, 300.0, batch_size=1000))
        deployed = stream_batches(records, 1.0)
        rows.append(scheduled(apps, deployed, records, 15, settle_s))
        rows.append(scheduled(apps, deployed, records, 60, settle_s))
    return rows


# ---- part 2: one scheduled load vs the per-batch upserts, same run ------------------------------


def timed_loads(batches: int, rounds: int, seed: int) -> tuple[float, float, int]:
    """(median s for `batches` per-batch upserts, median s for one scheduled load of them, rows)."""
    import os

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "bench")
    import boto3
    from moto import mock_aws

    from riskline_routing.lake import LakeWriter
    from riskline_routing.load_log import LoadLog
    from riskline_routing.scheduled_load import WarehouseLoader
    from riskline_routing.service import Router
    from riskline_routing.warehouse.duckdb import DuckDBWarehouse

    rng = np.random.default_rng(seed)
    groups = _batches(batches, rng)
    per_batch_s: list[float] = []
    scheduled_s: list[float] = []
    with mock_aws(), tempfile.TemporaryDirectory() as scratch:
        s3 = boto3.client("s3")
        for n in range(rounds):
            bucket = f"bench-lake-{n}"
            s3.create_bucket(Bucket=bucket)
            clock = _Clock()
            # The stream handler in scheduled mode writes the lake objects and the markers (not timed).
            router = Router(LakeWriter(s3, bucket, "applications"), LoadLog(s3, bucket, "load-log", clock=clock))
            for rows in groups:
                router.persist(rows)
                clock.now += 1
            # Per-batch mode: the same batches, one upsert transaction each.
            stream_wh = DuckDBWarehouse(str(Path(scratch) / f"per-batch-{n}.duckdb"))
            started = time.perf_counter()
            for rows in groups:
                Router(_NoLake(), stream_wh).persist(rows)
            per_batch_s.append(time.perf_counter() - started)
            # Scheduled mode: one run over every marker (reads them and the lake objects, one transaction).
            loader = WarehouseLoader(
                s3, bucket, "load-log", DuckDBWarehouse(str(Path(scratch) / f"scheduled-{n}.duckdb")),
                settle_s=0, clock=clock.later,
            )  # fmt: skip
            started = time.perf_counter()
            report = loader.run()
            scheduled_s.append(time.perf_counter() - started)
            if report.markers != len(groups):
                raise RuntimeError(f"scheduled load saw {report.markers} markers, expected {len(groups)}")
            if len(stream_wh.fetch_rows()) != len(loader._warehouse.fetch_rows()):
                raise RuntimeError("the two modes left different warehouses")
    return statistics.median(per_batch_s), statistics.median(scheduled_s), sum(len(g) for g in groups)


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 6, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now

    def later(self) -> float:
        return self.now + 1


class _NoLake:
    """Per-batch timing covers the warehouse upsert alone (the lake write is the same in both modes)."""

    def write_batch(self, rows):
        return []


def _batches(count: int, rng: np.random.Generator) -> list[list]:
    """`count` stream batches of 1-3 rows (what the 1 M/month stream carries per 1 s window)."""
    from riskline_schema import Application, ApplicationRecord, LakeRecord
    from riskline_schema.examples import webform_submission

    start = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    body = webform_submission()
    out = []
    for b in range(count):
        rows = []
        for r in range(int(rng.integers(1, 4))):
            at = start + timedelta(seconds=b, milliseconds=r)
            fields = {"application_id": f"bench-{b:06d}-{r}", "channel": "webform", "submitted_at": at}
            app = Application.model_validate(body | fields)
            record = ApplicationRecord(application=app, status="PENDING_SCORE", created_at=at, updated_at=at)
            rows.append(LakeRecord.from_record(record, b"bench-applicant-key"))
        out.append(rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--settle", type=float, default=120.0, help="the loader's settle delay, seconds")
    parser.add_argument("--batches", type=int, default=300, help="stream batches in the timed comparison")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    print(
        f"warehouse loads per month (seed {args.seed}; {RPU} RPU x ${RPU_HOUR_USD}/RPU-h, "
        f"{ACTIVITY_MINIMUM_S} s minimum per activity; settle {args.settle:g} s):"
    )
    for row in month_table(args.seed, args.settle):
        print(row.line(), flush=True)
    per_batch_s, scheduled_s, rows = timed_loads(args.batches, args.rounds, args.seed)
    print(
        f"timed (median of {args.rounds}): per_batch_upserts={args.batches} rows={rows} "
        f"per_batch_s={per_batch_s:.2f} one_scheduled_load_s={scheduled_s:.2f} "
        f"speedup={per_batch_s / scheduled_s:.1f}x (duckdb; the scheduled load reads the markers and lake objects too)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
