"""The training set, built from the lake with DuckDB (no row ever passes through Python alone).

Steps, all in one DuckDB connection that spills to disk past its memory limit:
1. read every lake object with an explicit column map (older rows lack `audit_grade`: NULL);
2. keep the latest `updated_at` per `application_id` (the lake's reader rule);
3. keep audited rows; the label is the audit's grade when every audited row carries one, else the
   binary `audit_outcome` (`label_mode` forces either);
4. cut by submission time: the newest window is the holdout, everything before it trains;
5. refuse a set too small or too one-sided to learn from, before anything is written;
6. write `train/train.jsonl` (a SageMaker `train` channel), `holdout/holdout.jsonl` and
   `manifest.json` (what was read, the cut, the label mix).

The features are the lake row's financial facts, which are exactly what the model scored.
"""

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from riskline_schema import FINANCIAL_FIELDS

from .columns import LAKE_COLUMNS, struct_literal
from .lake import partition_day

TRAIN_FILE = Path("train") / "train.jsonl"
HOLDOUT_FILE = Path("holdout") / "holdout.jsonl"
MANIFEST = "manifest.json"
# Carried beside the features: the holdout's champion scores and the audit trail of each row.
CONTEXT_COLUMNS = ("application_id", "channel", "submitted_at", "audited_at", "probability", "tier", "model_version")
LABEL_MODES = ("auto", "grade", "binary")


class TrainsetRefused(ValueError):
    """The lake gives no training set worth learning from; the message says why."""


@dataclass(frozen=True)
class TrainsetConfig:
    """How to cut and when to refuse. The holdout is the newest window by submission time."""

    holdout_fraction: float = 0.2  # newest share of labelled rows, unless a date/window is given
    holdout_days: float | None = None  # or: the last N days before the newest submission
    holdout_since: datetime | None = None  # or: an explicit cut
    min_train_rows: int = 500
    min_holdout_rows: int = 100
    min_minority_share: float = 0.05  # every split needs at least this share of its rarer label
    label_mode: str = "auto"
    memory_limit: str = "1GB"
    threads: int | None = None

    def __post_init__(self) -> None:
        if not 0 < self.holdout_fraction < 1:
            raise ValueError(f"holdout_fraction must be between 0 and 1, got {self.holdout_fraction}")
        if self.holdout_days is not None and self.holdout_days <= 0:
            raise ValueError(f"holdout_days must be positive, got {self.holdout_days}")
        if self.label_mode not in LABEL_MODES:
            raise ValueError(f"label_mode must be one of {', '.join(LABEL_MODES)}, got {self.label_mode!r}")
        if not 0 <= self.min_minority_share < 0.5:
            raise ValueError(f"min_minority_share must be in [0, 0.5), got {self.min_minority_share}")


@dataclass(frozen=True)
class SplitSummary:
    rows: int
    labels: dict[str, int]
    first_submitted: str | None
    last_submitted: str | None


@dataclass(frozen=True)
class TrainsetSummary:
    files: int
    rows_read: int  # lake rows, every version
    applications: int  # distinct application ids (latest version each)
    audited: int
    unlabelled: int  # audited but without a label of the chosen kind
    label_kind: str  # "grade" or "binary"
    first_submitted: str | None
    last_submitted: str | None
    partitions: tuple[str | None, str | None]  # first and last dt= date read
    cut: str | None  # holdout = submitted_at >= cut
    train: SplitSummary
    holdout: SplitSummary
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> "TrainsetSummary":
        return cls(
            **{
                **doc,
                "partitions": tuple(doc["partitions"]),
                "train": SplitSummary(**doc["train"]),
                "holdout": SplitSummary(**doc["holdout"]),
            }
        )

    def lines(self) -> list[str]:
        def mix(split: SplitSummary) -> str:
            total = max(split.rows, 1)
            return ", ".join(f"{k} {v} ({v / total:.1%})" for k, v in sorted(split.labels.items()))

        def span(split: SplitSummary) -> str:
            return f"{split.rows} rows ({split.first_submitted} .. {split.last_submitted}): {mix(split)}"

        left_out = f", {self.unlabelled} audited rows without a {self.label_kind} label left out"
        return [
            f"read {self.rows_read} lake rows from {self.files} files (dt={self.partitions[0]}..{self.partitions[1]}):"
            f" {self.applications} applications, {self.audited} audited, label {self.label_kind}"
            + (left_out if self.unlabelled else ""),
            f"submitted {self.first_submitted} .. {self.last_submitted}; holdout from {self.cut}",
            f"train   {span(self.train)}",
            f"holdout {span(self.holdout)}",
        ]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def connect(config: TrainsetConfig, scratch: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{config.memory_limit}'")
    con.execute("SET temp_directory = ?", [str(scratch)])
    con.execute("SET preserve_insertion_order = false")  # lets big scans stream; output is ordered explicitly
    if config.threads:
        con.execute(f"SET threads = {int(config.threads)}")
    return con


def load_latest(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """Table `latest`: one row per application, its newest version; `versions` counts what was read."""
    con.execute(
        f"""
        CREATE TEMP TABLE latest AS
        SELECT *, count(*) OVER (PARTITION BY application_id) AS versions
        FROM read_json(?, format = 'newline_delimited', columns = {struct_literal(LAKE_COLUMNS)},
                       hive_partitioning = false, filename = true)
        QUALIFY row_number() OVER (PARTITION BY application_id ORDER BY updated_at DESC, filename DESC) = 1
        """,
        [[str(f) for f in files]],
    )


def _label_kind(con: duckdb.DuckDBPyConnection, mode: str) -> tuple[str, int, int]:
    audited, graded, binary = con.execute(
        """SELECT count(*), count(audit_grade), count(audit_outcome) FROM latest
           WHERE audit_outcome IS NOT NULL OR audit_grade IS NOT NULL"""
    ).fetchone()
    if mode == "auto":
        mode = "grade" if audited and graded == audited else "binary"
    return mode, audited, audited - (graded if mode == "grade" else binary)


def _labelled_view(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    source = "audit_grade" if kind == "grade" else "audit_outcome"
    facts = ", ".join(FINANCIAL_FIELDS)
    con.execute(
        f"""
        CREATE TEMP VIEW labelled AS
        SELECT application_id, channel, submitted_at, audited_at, probability, tier, model_version,
               {facts}, lower(trim({source})) AS label
        FROM latest WHERE {source} IS NOT NULL
        """
    )


def _cut(con: duckdb.DuckDBPyConnection, config: TrainsetConfig) -> datetime | None:
    if config.holdout_since is not None:
        return config.holdout_since
    if config.holdout_days is not None:
        newest = con.execute("SELECT max(submitted_at) FROM labelled").fetchone()[0]
        return None if newest is None else newest - timedelta(days=config.holdout_days)
    # The newest `holdout_fraction` of rows: the submission time at that quantile.
    return con.execute("SELECT quantile_disc(submitted_at, ?) FROM labelled", [1 - config.holdout_fraction]).fetchone()[
        0
    ]


def _split_summary(con: duckdb.DuckDBPyConnection, where: str, cut: datetime | None) -> SplitSummary:
    params = [] if cut is None else [cut]
    rows, first, last = con.execute(
        f"SELECT count(*), min(submitted_at), max(submitted_at) FROM labelled WHERE {where}", params
    ).fetchone()
    labels = dict(con.execute(f"SELECT label, count(*) FROM labelled WHERE {where} GROUP BY label", params).fetchall())
    return SplitSummary(rows=rows, labels=labels, first_submitted=_iso(first), last_submitted=_iso(last))


def _refusals(summary: TrainsetSummary, config: TrainsetConfig) -> list[str]:
    problems = []
    for name, split, minimum in (
        ("train", summary.train, config.min_train_rows),
        ("holdout", summary.holdout, config.min_holdout_rows),
    ):
        if split.rows < minimum:
            problems.append(f"{name} has {split.rows} labelled rows; at least {minimum} are needed")
            continue
        if len(split.labels) < 2:
            problems.append(f"{name} holds only the label {next(iter(split.labels))!r}: nothing to learn apart")
            continue
        counts = split.labels.values()
        rarest = min(counts) if summary.label_kind == "binary" else split.rows - max(counts)
        if rarest / split.rows < config.min_minority_share:
            what = "the rarer label" if summary.label_kind == "binary" else "every grade but the commonest"
            problems.append(
                f"{name} is too one-sided: {what} is {rarest / split.rows:.1%} of {split.rows} rows"
                f" (at least {config.min_minority_share:.0%} needed): {dict(sorted(split.labels.items()))}"
            )
    return problems


def _write(con: duckdb.DuckDBPyConnection, where: str, cut: datetime | None, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = "strftime({c}, '%Y-%m-%dT%H:%M:%S.%fZ') AS {c}"
    columns = ", ".join(
        stamp.format(c=c) if c in ("submitted_at", "audited_at") else c
        for c in (*CONTEXT_COLUMNS, *FINANCIAL_FIELDS, "label")
    )
    query = f"SELECT {columns} FROM labelled WHERE {where} ORDER BY labelled.submitted_at, application_id"
    # COPY cannot take prepared parameters: the cut goes in as a typed literal.
    if cut is not None:
        query = query.replace("?", f"TIMESTAMPTZ '{cut.astimezone(UTC).isoformat()}'")
    con.execute(f"COPY ({query}) TO '{path}' (FORMAT JSON)")


def build_trainset(files: list[Path], out_dir: Path, config: TrainsetConfig = TrainsetConfig()) -> TrainsetSummary:
    """Build the split training set from lake files into `out_dir`; raises TrainsetRefused."""
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = out_dir / ".duckdb-tmp"
    scratch.mkdir(exist_ok=True)
    if not files:
        raise TrainsetRefused("the lake holds no objects in the requested range")
    con = connect(config, scratch)
    try:
        load_latest(con, files)
        rows_read, applications, first, last = con.execute(
            "SELECT coalesce(sum(versions), 0), count(*), min(submitted_at), max(submitted_at) FROM latest"
        ).fetchone()
        kind, audited, unlabelled = _label_kind(con, config.label_mode)
        _labelled_view(con, kind)
        cut = _cut(con, config)
        train_where, holdout_where = ("submitted_at < ?", "submitted_at >= ?") if cut is not None else ("true", "false")
        days = sorted(d.isoformat() for d in map(partition_day, files) if d is not None)
        summary = TrainsetSummary(
            files=len(files),
            rows_read=int(rows_read),
            applications=applications,
            audited=audited,
            unlabelled=unlabelled,
            label_kind=kind,
            first_submitted=_iso(first),
            last_submitted=_iso(last),
            partitions=(days[0], days[-1]) if days else (None, None),
            cut=_iso(cut),
            train=_split_summary(con, train_where, cut),
            holdout=_split_summary(con, holdout_where, cut),
        )
        problems = _refusals(summary, config)
        if problems:
            raise TrainsetRefused("; ".join(problems) + "\n" + "\n".join(summary.lines()))
        _write(con, train_where, cut, out_dir / TRAIN_FILE)
        _write(con, holdout_where, cut, out_dir / HOLDOUT_FILE)
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    outputs = {"train": str(out_dir / TRAIN_FILE), "holdout": str(out_dir / HOLDOUT_FILE)}
    summary = TrainsetSummary(**{**summary.__dict__, "outputs": outputs})
    (out_dir / MANIFEST).write_text(json.dumps(summary.to_dict(), indent=2) + "\n")
    return summary
