"""One challenge: train the challenger on the set, score the holdout with both, gate, report.

Writes under `out_dir`: `challenger/` (model.tar.gz, artifact/, metrics.json, report.html from the
training entry point), `comparison.json`, `verdict.json` and `comparison.html`.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import artifact
from .challenger import train_challenger
from .compare import compare, holdout_from_rows
from .compare_report import write_report
from .gate import Margins, Verdict, decide
from .score import read_rows, score_rows
from .trainset import HOLDOUT_FILE, MANIFEST, TRAIN_FILE, TrainsetSummary


@dataclass(frozen=True)
class ChallengeResult:
    verdict: Verdict
    comparison: dict[str, Any]
    challenger_dir: Path
    challenger_tarball: Path
    report: Path


def model_dir(location: Path, scratch: Path) -> Path:
    """An unpacked artifact folder, or a model.tar.gz unpacked under `scratch`."""
    if location.is_file():
        return artifact.unpack(location, scratch)
    artifact.check_complete(location)
    return location


def challenge(
    trainset_dir: Path,
    champion: Path,
    out_dir: Path,
    margins: Margins | None = None,
    hyperparameters: dict[str, str] | None = None,
    group_column: str | None = None,
    challenger: Path | None = None,
) -> ChallengeResult:
    """`challenger` skips training and gates an existing artifact instead."""
    out_dir.mkdir(parents=True, exist_ok=True)
    champion_dir = model_dir(champion, out_dir / "champion")
    if challenger is None:
        challenger_dir = train_challenger((trainset_dir / TRAIN_FILE).parent, out_dir / "challenger", hyperparameters)
        tarball = out_dir / "challenger" / "model.tar.gz"
    else:
        challenger_dir = model_dir(challenger, out_dir / "challenger" / "artifact")
        tarball = challenger if challenger.is_file() else artifact.pack(challenger_dir, out_dir / "challenger").tarball

    rows = read_rows(trainset_dir / HOLDOUT_FILE)
    holdout = holdout_from_rows(rows, group_column)
    scored_champion, scored_challenger = score_rows(champion_dir, rows), score_rows(challenger_dir, rows)
    comparison = compare(scored_champion, scored_challenger, holdout)
    verdict = decide(comparison, margins or Margins())

    (out_dir / "comparison.json").write_text(json.dumps(comparison, indent=2) + "\n")
    verdict.save(out_dir / "verdict.json")
    manifest = trainset_dir / MANIFEST
    trainset = None
    if manifest.is_file():
        trainset = {"lines": TrainsetSummary.from_dict(json.loads(manifest.read_text())).lines()}
    report = write_report(
        out_dir / "comparison.html",
        comparison,
        verdict,
        scored_champion,
        scored_challenger,
        holdout.rejected,
        trainset,
    )
    return ChallengeResult(verdict, comparison, challenger_dir, tarball, report)
