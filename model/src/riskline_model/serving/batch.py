"""Rescore a whole file: JSON Lines of ModelInput in, JSON Lines of predictions out.

Runs the two stages' own code in one process, chunk by chunk (the same path a SageMaker batch
transform takes through the endpoint's containers, without the HTTP hops). Each output line is
the stage-2 prediction plus the input's `application_id`; the predictor walks each chunk on every
CPU. A line that is not a valid ModelInput does not stop the file: the good lines are scored, and
each bad one's line number and reason go to the errors file (JSON Lines `{"line": N, "error":
"..."}`, by default OUT + `.errors.jsonl`).
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from riskline_schema import ModelInput

from .preprocess import Preprocessor, problems_text
from .xgboost import Scorer

CHUNK_ROWS = 5_000
ERRORS_SUFFIX = ".errors.jsonl"


@dataclass(frozen=True)
class BatchResult:
    scored: int
    refused: int
    errors_path: Path


def default_errors_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ERRORS_SUFFIX)


def _chunks(fh: IO[bytes], size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Non-blank lines with their 1-based file line numbers, `size` at a time."""
    lines: list[tuple[int, bytes]] = []
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        lines.append((number, line))
        if len(lines) == size:
            yield lines
            lines = []
    if lines:
        yield lines


def _parse(line: bytes) -> ModelInput | str:
    try:
        return ModelInput.model_validate_json(line)
    except ValidationError as exc:
        return problems_text(exc)


def score_file(
    model_dir: Path, source: Path, dest: Path, chunk_rows: int = CHUNK_ROWS, errors: Path | None = None
) -> BatchResult:
    """Score every valid line of `source` into `dest`, in order; bad lines go to `errors`."""
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir, threads=os.cpu_count() or 1)
    errors = errors or default_errors_path(dest)
    scored = refused = 0
    tmp, tmp_errors = dest.with_suffix(dest.suffix + ".tmp"), errors.with_suffix(errors.suffix + ".tmp")
    with source.open("rb") as fin, tmp.open("w") as fout, tmp_errors.open("w") as ferr:
        for lines in _chunks(fin, chunk_rows):
            inputs: list[ModelInput] = []
            for number, line in lines:
                parsed = _parse(line)
                if isinstance(parsed, str):
                    ferr.write(json.dumps({"line": number, "error": parsed}) + "\n")
                    refused += 1
                else:
                    inputs.append(parsed)
            if not inputs:
                continue
            predictions = scorer.predict(pre.features(inputs))
            for item, prediction in zip(inputs, predictions, strict=True):
                fout.write(json.dumps({"application_id": item.application_id, **prediction}) + "\n")
            scored += len(inputs)
    tmp.replace(dest)
    tmp_errors.replace(errors)
    return BatchResult(scored=scored, refused=refused, errors_path=errors)
