"""Lake-shaped synthetic data, written fast: the generator's columns straight into JSON Lines by DuckDB.

For the training-set benchmark, the loop's tests and the drift demo. Every row is a `LakeRecord` as
the routing function writes it (same keys, no PII: the applicant key is a random 64-hex string).
A share of applications also carries an older, unaudited version (a rescore or a retried batch)
that readers must drop; a share is not audited yet. `shift` multiplies numeric facts to simulate a
population that has moved (e.g. `{"debt_to_income": 1.6}`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from riskline_schema import FINANCIAL_FIELDS

from ..data.auditor import reject_probability
from ..data.generator import CHANNEL_WEIGHTS, REFERENCE_TIME, financial_columns

SCHEMA_VERSION = "1.0"
MODEL_VERSION = "riskline-xgb-20261101T0000-synthetc"
LOW_BELOW, HIGH_FROM = 0.12, 0.5  # tier cuts on the synthetic score


@dataclass(frozen=True)
class LakeSpec:
    rows: int
    seed: int = 0
    start: datetime = REFERENCE_TIME
    days: int = 28
    audited_share: float = 0.85
    stale_share: float = 0.1  # applications with an extra, older version
    graded: bool = False  # also fill `audit_grade` (low/medium/high)
    shift: dict[str, float] = field(default_factory=dict)


def _hex_ids(rng: np.random.Generator, n: int, words: int) -> list[str]:
    """Random lowercase hex ids, 16 characters per 64-bit word."""
    values = rng.integers(0, 2**63, size=(n, words), dtype=np.int64)
    return ["".join(f"{w:016x}" for w in row) for row in values.tolist()]


def _stamp(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lake_frame(spec: LakeSpec) -> pd.DataFrame:
    """The latest version of each application, plus the stale versions, as lake rows."""
    rng = np.random.default_rng(spec.seed)
    cols = financial_columns(spec.rows, rng)
    for name, factor in spec.shift.items():
        if name not in FINANCIAL_FIELDS:
            raise ValueError(f"cannot shift {name!r}: not a financial fact")
        cols[name] = cols[name] * factor
    cols["debt_to_income"] = np.clip(cols["debt_to_income"], 0, 100)
    cols["revolving_utilization"] = np.clip(cols["revolving_utilization"], 0, 150)
    p_true = reject_probability(cols)
    rejected = rng.random(spec.rows) < p_true
    score = np.clip(p_true + rng.normal(0, 0.05, spec.rows), 0.001, 0.999).round(6)
    channels = np.array([c.value for c in CHANNEL_WEIGHTS])
    weights = np.array(list(CHANNEL_WEIGHTS.values()))

    frame = pd.DataFrame({f: cols[f] for f in FINANCIAL_FIELDS})
    frame["months_since_last_delinquency"] = frame["months_since_last_delinquency"].astype("Int64")
    for name in ("annual_income", "debt_to_income", "revolving_utilization", "credit_history_years", "loan_amount"):
        frame[name] = frame[name].astype(float).round(2)
    frame.insert(0, "schema_version", SCHEMA_VERSION)
    frame.insert(1, "application_id", _hex_ids(rng, spec.rows, 2))
    frame.insert(2, "applicant_key", _hex_ids(rng, spec.rows, 4))
    frame.insert(3, "channel", rng.choice(channels, spec.rows, p=weights / weights.sum()))
    submitted = pd.to_datetime(spec.start) + pd.to_timedelta(rng.integers(0, spec.days * 86400, spec.rows), unit="s")
    frame.insert(4, "submitted_at", submitted)
    frame["status"] = "SCORED"
    frame["probability"] = score
    frame["tier"] = np.where(score < LOW_BELOW, "low", np.where(score >= HIGH_FROM, "high", "medium"))
    frame["decision_hint"] = frame["tier"].map({"low": "accept", "medium": "review", "high": "reject"})
    frame["reason_codes"] = [[] for _ in range(spec.rows)]
    frame["model_version"] = MODEL_VERSION
    frame["scored_at"] = submitted + pd.Timedelta(milliseconds=40)
    audited = rng.random(spec.rows) < spec.audited_share
    frame["audit_outcome"] = np.where(audited, np.where(rejected, "reject", "accept"), None)
    if spec.graded:
        grade = np.where(p_true < 0.15, "low", np.where(p_true < 0.6, "medium", "high"))
        frame["audit_grade"] = np.where(audited, grade, None)
    frame["audited_at"] = (submitted + pd.Timedelta(hours=4)).where(audited)
    frame["updated_at"] = frame["audited_at"].fillna(frame["scored_at"])

    stale = frame[rng.random(spec.rows) < spec.stale_share].copy()
    stale["audit_outcome"] = None
    if spec.graded:
        stale["audit_grade"] = None
    # All NaT, keeping the column's tz-aware dtype.
    stale["audited_at"] = stale["audited_at"].where(np.zeros(len(stale), dtype=bool))
    stale["updated_at"] = stale["submitted_at"] + pd.Timedelta(milliseconds=1)
    out = pd.concat([frame, stale], ignore_index=True)
    for name in ("submitted_at", "scored_at", "audited_at", "updated_at"):
        out[name] = _stamp(out[name]).where(out[name].notna(), None)
    return out


def write_lake(frame: pd.DataFrame, root: Path, prefix: str = "applications", batch: str = "0") -> list[Path]:
    """One JSON Lines object per `dt=`/`channel=` partition for this batch (lake key layout)."""
    con = duckdb.connect()
    con.register("lake_rows", frame)
    dt = "substr(submitted_at, 1, 10)"
    written = []
    for day, channel in con.execute(f"SELECT DISTINCT {dt}, channel FROM lake_rows ORDER BY 1, 2").fetchall():
        folder = root / prefix / f"dt={day}" / f"channel={channel}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"batch-{batch}.jsonl"
        con.execute(
            f"COPY (SELECT * FROM lake_rows WHERE {dt} = '{day}' AND channel = '{channel}') TO '{path}' (FORMAT JSON)"
        )
        written.append(path)
    con.close()
    return written


def write_synthetic_lake(root: Path, spec: LakeSpec, prefix: str = "applications") -> list[Path]:
    return write_lake(lake_frame(spec), root, prefix)
