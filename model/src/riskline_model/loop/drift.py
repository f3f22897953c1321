"""The drift monitor on a local lake (or a Processing mount): DuckDB reads the window, the monitor's
own maths compare it with the artifact's training baseline (`riskline_monitor.drift`, the code the
scheduled Lambda runs), and the same report and metrics come out.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from riskline_schema import FINANCIAL_FIELDS

from ..data.labeled import DEFAULT_REJECT_GRADES
from .baseline import read_baseline
from .lake import DateRange, local_files, partition_day
from .trainset import TrainsetConfig, connect, load_latest


@dataclass(frozen=True)
class DriftRun:
    result: Any  # riskline_monitor.drift.DriftResult
    report: Path
    table: Path


def newest_day(root: Path) -> date:
    days = [d for d in map(partition_day, local_files(root)) if d is not None]
    if not days:
        raise FileNotFoundError(f"{root}: no lake objects")
    return max(days)


def read_window(files: list[Path], scratch: Path, submitted_since: datetime | None = None) -> dict[str, list[Any]]:
    """Latest row per application in the files (submitted from `submitted_since`), as lists (None for NULL)."""
    scratch.mkdir(parents=True, exist_ok=True)
    con = connect(TrainsetConfig(), scratch)
    try:
        load_latest(con, files)
        grades = ", ".join(f"'{g}'" for g in sorted(DEFAULT_REJECT_GRADES))
        table = con.sql(
            f"""SELECT {", ".join(FINANCIAL_FIELDS)}, probability, tier,
                   CASE WHEN audit_grade IS NOT NULL THEN (lower(audit_grade) IN ({grades}))::INTEGER
                        WHEN audit_outcome IS NOT NULL THEN (audit_outcome = 'reject')::INTEGER END AS rejected
                FROM latest WHERE submitted_at >= $since ORDER BY application_id""",
            params={"since": submitted_since or datetime(1970, 1, 1, tzinfo=UTC)},
        ).to_arrow_table()
    finally:
        con.close()
    return {name: table.column(name).to_pylist() for name in table.column_names}


def run_drift(
    lake_root: Path,
    model_dir: Path,
    out_dir: Path,
    until: date | None = None,
    days: int = 7,
    threshold: float | None = None,
    submitted_since: datetime | None = None,
) -> DriftRun:
    """The window is the `days` partitions up to `until` (default: the newest), optionally narrowed to
    rows submitted from `submitted_since` (e.g. a second wave that shares its partitions with the first)."""
    from riskline_monitor.drift import DEFAULT_PSI_THRESHOLD, analyse
    from riskline_monitor.report import render

    from ..artifact import read_metadata

    until = until or newest_day(lake_root)
    since = until - timedelta(days=days - 1)
    files = local_files(lake_root, DateRange(since, until))
    if not files:
        raise FileNotFoundError(f"{lake_root}: no lake objects between {since} and {until}")
    window = read_window(files, out_dir / ".duckdb-tmp", submitted_since)
    result = analyse(
        read_baseline(model_dir),
        {f: window[f] for f in FINANCIAL_FIELDS},
        window["probability"],
        window["tier"],
        window["rejected"],
        {
            "since": submitted_since.isoformat() if submitted_since else since.isoformat(),
            "until": until.isoformat(),
        },
        DEFAULT_PSI_THRESHOLD if threshold is None else threshold,
        read_metadata(model_dir)["model_version"],
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / "drift.html"
    report.write_text(render(result))
    table = out_dir / "drift.json"
    table.write_text(json.dumps(result.to_dict(), indent=2, allow_nan=True) + "\n")
    return DriftRun(result, report, table)
