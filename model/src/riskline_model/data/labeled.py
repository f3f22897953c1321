"""Labeled application files: each row an `Application` (canonical fields) plus its auditor label.

Any such file trains, not only the generator's: JSON Lines, CSV or Parquet. Only the financial
facts and the label are read; identity fields may be present (and are ignored) or absent.
Labels are binary (accept/reject, 0/1, true/false) or a grade of the grade vocabulary (low/medium/high
or A-G, see `grades.py`). A grade keeps its tier (`LabeledData.tier`) and also folds to a binary
target: "reject" when it is one of the reject grades. The generator's graded files carry the true
tier probabilities (`true_p_low`, `true_p_medium`, `true_p_high`), read when every row has them.
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from riskline_schema import FINANCIAL_FIELDS, FinancialFacts

from ..grades import DEFAULT_GRADE_MAP, TIER_NAMES, GradeVocabulary

BINARY_LABELS = {
    "reject": 1,
    "rejected": 1,
    "1": 1,
    "true": 1,
    "yes": 1,
    "accept": 0,
    "accepted": 0,
    "0": 0,
    "false": 0,
    "no": 0,
}
DEFAULT_REJECT_GRADES = frozenset({"high", "e", "f", "g"})
TRUE_TIER_COLUMNS = tuple(f"true_p_{t}" for t in TIER_NAMES)
SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".parquet")


class LabeledDataError(ValueError):
    """A labeled file cannot be used for training (named file, row and problem)."""


@dataclass(frozen=True)
class LabeledData:
    """Columns of financial facts (numpy arrays), the binary target and optional extras."""

    columns: dict[str, np.ndarray]
    target: np.ndarray  # 1 = auditor rejected
    protected_group: np.ndarray | None
    true_probability: np.ndarray | None
    skipped_rows: int
    label_kind: str  # "binary" or "grade"
    tier: np.ndarray | None = None  # grades only: 0 = low, 1 = medium, 2 = high
    true_tier_probability: np.ndarray | None = None  # (rows, 3), when the file carries the story's truth

    def __len__(self) -> int:
        return len(self.target)

    def subset(self, idx: np.ndarray) -> "LabeledData":
        return LabeledData(
            columns={k: v[idx] for k, v in self.columns.items()},
            target=self.target[idx],
            protected_group=None if self.protected_group is None else self.protected_group[idx],
            true_probability=None if self.true_probability is None else self.true_probability[idx],
            skipped_rows=0,
            label_kind=self.label_kind,
            tier=None if self.tier is None else self.tier[idx],
            true_tier_probability=None if self.true_tier_probability is None else self.true_tier_probability[idx],
        )


def write_rows(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """Write rows as JSON Lines, CSV or Parquet (by suffix); nested fields are flattened for CSV/Parquet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix in (".jsonl", ".ndjson", ".json"):
        with path.open("w") as fh:
            for row in rows:
                fh.write(json.dumps(row, separators=(",", ":")) + "\n")
        return
    import pandas as pd  # only the file formats that need it pay for it

    frame = pd.json_normalize(list(rows))
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        raise LabeledDataError(f"{path}: unsupported file type (use one of {', '.join(SUFFIXES)})")


def _read_records(path: Path) -> Iterable[dict[str, Any]]:
    if path.suffix in (".jsonl", ".ndjson", ".json"):
        with path.open() as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
        return
    import pandas as pd

    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype={"label": str}, keep_default_na=True)
    elif path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        raise LabeledDataError(f"{path}: unsupported file type (use one of {', '.join(SUFFIXES)})")
    for record in frame.to_dict("records"):
        yield {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}


def input_files(location: Path) -> list[Path]:
    """A file, or every labeled file in a directory (a SageMaker channel), in name order."""
    if location.is_file():
        return [location]
    files = sorted(p for p in location.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    if not files:
        raise LabeledDataError(f"{location}: no labeled files ({', '.join(SUFFIXES)})")
    return files


def _label_value(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip().lower()


def read_labeled(
    location: Path,
    reject_grades: frozenset[str] = DEFAULT_REJECT_GRADES,
    vocabulary: GradeVocabulary | None = None,
) -> LabeledData:
    """Read and validate every row; rows whose facts fail validation are skipped and counted."""
    vocabulary = vocabulary or GradeVocabulary.parse(DEFAULT_GRADE_MAP)
    facts: list[dict[str, Any]] = []
    labels: list[str] = []
    groups: list[Any] = []
    probs: list[Any] = []
    tier_probs: list[Any] = []
    skipped = 0
    for path in input_files(location):
        for number, record in enumerate(_read_records(path), start=1):
            if record.get("label") is None:
                raise LabeledDataError(f"{path}: row {number} has no label")
            subset = {f: record[f] for f in FINANCIAL_FIELDS if f in record}
            try:
                facts.append(FinancialFacts.model_validate(subset).model_dump(mode="json"))
            except ValidationError:
                skipped += 1
                continue
            labels.append(_label_value(record["label"]))
            groups.append(record.get("protected_group"))
            probs.append(record.get("true_probability"))
            tier_probs.append([record.get(c) for c in TRUE_TIER_COLUMNS])
    if not facts:
        raise LabeledDataError(f"{location}: no valid rows")

    kinds = set(labels)
    tier = None
    if kinds <= BINARY_LABELS.keys():
        target, kind = np.array([BINARY_LABELS[v] for v in labels], dtype=np.int8), "binary"
    elif vocabulary.covers(kinds):
        target, kind = np.array([v in reject_grades for v in labels], dtype=np.int8), "grade"
        tier = vocabulary.tier_index(labels)
    else:
        unknown = sorted(kinds - BINARY_LABELS.keys() - vocabulary.mapping.keys())
        raise LabeledDataError(
            f"{location}: labels {unknown[:8]} are neither accept/reject nor a grade of the vocabulary"
            f" ({', '.join(sorted(vocabulary.mapping))})"
        )
    has_truth = all(v is not None for row in tier_probs for v in row)

    columns = {f: np.array([row[f] for row in facts], dtype=object) for f in FINANCIAL_FIELDS}
    return LabeledData(
        columns=columns,
        target=target,
        protected_group=np.array(groups, dtype=object) if all(g is not None for g in groups) else None,
        true_probability=np.array(probs, dtype=float) if all(p is not None for p in probs) else None,
        skipped_rows=skipped,
        label_kind=kind,
        tier=tier,
        true_tier_probability=np.array(tier_probs, dtype=float) if has_truth and tier is not None else None,
    )
