"""Rescore a whole file: JSON Lines of ModelInput in, JSON Lines of predictions out.

Runs the two stages' own code in one process, chunk by chunk (the same path a SageMaker batch
transform takes through the endpoint's containers, without the HTTP hops). Each output line is
the stage-2 prediction plus the input's `application_id`.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .preprocess import Preprocessor, parse
from .protocol import JSONLINES
from .xgboost import Scorer

CHUNK_ROWS = 5_000


def _chunks(fh: IO[bytes], size: int) -> Iterator[tuple[int, bytes]]:
    lines: list[bytes] = []
    first = 1
    for number, line in enumerate(fh, start=1):
        if not lines:
            first = number
        lines.append(line)
        if len(lines) == size:
            yield first, b"".join(lines)
            lines = []
    if lines:
        yield first, b"".join(lines)


def score_file(model_dir: Path, source: Path, dest: Path, chunk_rows: int = CHUNK_ROWS) -> int:
    """Score every line of `source` into `dest`, in order; returns the number of rows scored."""
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir)
    count = 0
    tmp = dest.with_suffix(dest.suffix + ".tmp")
    with source.open("rb") as fin, tmp.open("w") as fout:
        for first, block in _chunks(fin, chunk_rows):
            try:
                inputs = parse(block, JSONLINES)
            except Exception as exc:  # renumber "line N" to the file's line numbers
                message = getattr(exc, "message", str(exc))
                if message.startswith("line "):
                    n, _, rest = message[5:].partition(":")
                    message = f"line {int(n) + first - 1}:{rest}"
                raise ValueError(f"{source}: {message}") from None
            predictions = scorer.predict(pre.features(inputs))
            for item, prediction in zip(inputs, predictions, strict=True):
                fout.write(json.dumps({"application_id": item.application_id, **prediction}) + "\n")
            count += len(inputs)
    tmp.replace(dest)
    return count
