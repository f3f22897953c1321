"""Building the training set from the lake: DuckDB (the loop's code) against a plain-Python read.

    python bench/trainset.py                        # 2,000 and 1,000,000 lake rows
    python bench/trainset.py --rows 2000 --runs 5

For each size a synthetic lake is written as the routing function writes it (one JSON Lines object
per dt=/channel= partition and batch; ~10 % of applications carry an extra stale version, ~85 %
are audited), then the same job runs both ways, alternating, `--runs` times:

- `duckdb`: `riskline_model.loop.trainset.build_trainset` (latest version per application, audited
  rows, label, time cut at the newest 20 %, refusal checks, two JSON Lines files and a manifest);
- `baseline`: the naive way: `json.loads` every line, a dict keeping the latest `updated_at` per
  application, filter, sort by submission time, cut at the same quantile, `json.dumps` every row.

Prints the median seconds of each, rows per second and the ratio, then a parser line per size.
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from riskline_model.loop import lake
from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake
from riskline_model.loop.trainset import CONTEXT_COLUMNS, TrainsetConfig, build_trainset
from riskline_schema import FINANCIAL_FIELDS

CHUNK_ROWS = 200_000  # applications generated and written per batch: bounds the generator's memory
KEEP = (*CONTEXT_COLUMNS, *FINANCIAL_FIELDS)


def write_bench_lake(root: Path, rows: int, seed: int) -> int:
    written = 0
    for number, start in enumerate(range(0, rows, CHUNK_ROWS)):
        # The stale share adds ~10 % of rows: generate fewer applications so the lake holds `rows` rows.
        apps = round(min(CHUNK_ROWS, rows - start) / 1.1)
        frame = lake_frame(LakeSpec(rows=apps, seed=seed + number))
        write_lake(frame, root, batch=f"{number:04d}")
        written += len(frame)
    return written


def baseline(files: list[Path], out_dir: Path, holdout_fraction: float) -> tuple[int, int]:
    latest: dict[str, dict] = {}
    for path in files:
        with path.open() as fh:
            for line in fh:
                row = json.loads(line)
                seen = latest.get(row["application_id"])
                if seen is None or row["updated_at"] > seen["updated_at"]:
                    latest[row["application_id"]] = row
    labelled = [r for r in latest.values() if r.get("audit_outcome")]
    labelled.sort(key=lambda r: (r["submitted_at"], r["application_id"]))
    cut = labelled[int((len(labelled) - 1) * (1 - holdout_fraction))]["submitted_at"]  # as quantile_disc
    train = [r for r in labelled if r["submitted_at"] < cut]
    holdout = [r for r in labelled if r["submitted_at"] >= cut]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", train), ("holdout", holdout)):
        with (out_dir / f"{name}.jsonl").open("w") as fh:
            for r in part:
                fh.write(json.dumps({**{k: r.get(k) for k in KEEP}, "label": r["audit_outcome"]}) + "\n")
    return len(train), len(holdout)


def bench_size(rows: int, runs: int, seed: int, scratch: Path) -> dict[str, float]:
    root = scratch / f"lake-{rows}"
    started = time.perf_counter()
    written = write_bench_lake(root, rows, seed)
    generated_s = time.perf_counter() - started
    files = lake.local_files(root / "applications")
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"rows={written}: lake of {len(files)} objects, {size_mb:.0f} MB, generated in {generated_s:.1f} s")
    config = TrainsetConfig(min_train_rows=100, min_holdout_rows=10)
    ours, theirs = [], []
    for run in range(runs):
        out = scratch / f"out-{rows}-{run}"
        t0 = time.perf_counter()
        summary = build_trainset(files, out / "duckdb", config)
        t1 = time.perf_counter()
        n_train, n_holdout = baseline(files, out / "baseline", config.holdout_fraction)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
        if (n_train, n_holdout) != (summary.train.rows, summary.holdout.rows):
            print(f"  mismatch: baseline {n_train}/{n_holdout}, duckdb {summary.train.rows}/{summary.holdout.rows}")
        shutil.rmtree(out)
    duck, base = statistics.median(ours), statistics.median(theirs)
    print(f"  duckdb:   median {duck:.3f} s ({written / duck:,.0f} rows/s) over {runs} runs")
    print(f"  baseline: median {base:.3f} s ({written / base:,.0f} rows/s) (json.loads + dict, same output)")
    print(
        f"  read {summary.rows_read} rows: {summary.applications} applications, train {summary.train.rows},"
        f" holdout {summary.holdout.rows}"
    )
    shutil.rmtree(root)
    return {"rows": written, "duckdb_s": duck, "baseline_s": base}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000, 1_000_000])
    parser.add_argument("--runs", type=int, help="runs per size (default 5 below 100,000 rows, else 3)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-trainset-") as tmp:
        for rows in args.rows:
            runs = args.runs or (5 if rows < 100_000 else 3)
            results.append(bench_size(rows, runs, args.seed, Path(tmp)))
    for r in results:
        print(
            f"trainset: rows={r['rows']} duckdb_s={r['duckdb_s']:.3f} baseline_s={r['baseline_s']:.3f}"
            f" speedup={r['baseline_s'] / r['duckdb_s']:.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
