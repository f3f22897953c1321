"""One turn of the learning loop on the local stack's lake: the demo's last step and `make retrain`.

    training set from the lake → challenger trained through the entry point → gate against the
    champion on the newest holdout → comparison report → local registry (when promoted) → drift
    report of the lake's last week against the champion's training baseline

`demo_loop_turn(stack, champion, out_dir)` copies the running stack's lake (bucket from
`terraform output`, prefix from the routing function's own environment) to `out_dir/lake/` and
runs the turn there; `python -m riskline_local.demo.loop_turn --lake DIR` runs it on a lake folder
(what `make retrain` does with the copy the demo leaves behind).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from riskline_model.loop import lake
from riskline_model.loop.challenge import ChallengeResult, challenge
from riskline_model.loop.drift import DriftRun, run_drift
from riskline_model.loop.gate import PROMOTE, Margins
from riskline_model.loop.registry import LocalRegistry, Package
from riskline_model.loop.trainset import TrainsetConfig, TrainsetRefused, TrainsetSummary, build_trainset

ROOT = Path(__file__).resolve().parents[3]
GROUP = "riskline-risk"
# The demo audits one application in five: a 2,000-application run yields about 400 labels, so the
# local turn accepts smaller sets than the command's defaults (which are meant for real volumes).
LOCAL_TRAINSET = TrainsetConfig(min_train_rows=200, min_holdout_rows=50)


@dataclass
class LoopTurn:
    trainset: TrainsetSummary | None = None
    refused: str | None = None
    challenge: ChallengeResult | None = None
    package: Package | None = None
    drift: DriftRun | None = None
    drift_skipped: str | None = None
    lines: list[str] = field(default_factory=list)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def loop_turn(
    lake_root: Path,
    champion: Path,
    out_dir: Path,
    registry: Path | None = None,
    config: TrainsetConfig = LOCAL_TRAINSET,
    margins: Margins | None = None,
    drift_days: int = 7,
    say: Callable[[str], None] = print,
    drift_since: datetime | None = None,
) -> LoopTurn:
    """`drift_since` narrows the drift window to rows submitted from then (a demo's second wave)."""
    turn = LoopTurn()

    def tell(line: str) -> None:
        turn.lines.append(line)
        say(line)

    tell("learning loop: training set from the lake")
    try:
        turn.trainset = build_trainset(lake.local_files(lake_root), out_dir / "trainset", config)
    except TrainsetRefused as exc:
        turn.refused = str(exc)
        tell(f"  refused: {exc}")
    if turn.trainset is not None:
        for line in turn.trainset.lines():
            tell(f"  {line}")
        tell("learning loop: challenger trained through the training entry point, gated against the champion")
        turn.challenge = challenge(out_dir / "trainset", champion, out_dir / "challenge", margins or Margins())
        for line in turn.challenge.verdict.lines():
            tell(f"  {line}")
        tell(f"  comparison report: {_shown(turn.challenge.report)}")
        if registry is not None and turn.challenge.verdict.decision == PROMOTE:
            c = turn.challenge
            figures = c.comparison
            turn.package = LocalRegistry(registry).register(
                GROUP, c.challenger_tarball, c.verdict.challenger_version, c.verdict.to_dict(), figures
            )
            tell(
                f"  registered {GROUP} version {turn.package.version}: {turn.package.status}"
                f" (approve: python -m riskline_model.loop approve --registry {_shown(registry)}"
                f" --version {turn.package.version})"
            )
    tell(f"learning loop: drift of the lake's last {drift_days} days against the champion's training baseline")
    try:
        from riskline_model.loop.challenge import model_dir

        turn.drift = run_drift(
            lake_root,
            model_dir(champion, out_dir / "champion"),
            out_dir / "drift",
            days=drift_days,
            submitted_since=drift_since,
        )
    except FileNotFoundError as exc:
        turn.drift_skipped = str(exc)
        tell(f"  skipped: {exc}")
    if turn.drift is not None:
        for line in turn.drift.result.lines():
            tell(f"  {line}")
        tell(f"  drift report: {_shown(turn.drift.report)}")
    return turn


def lake_prefix_of(stack: Any) -> str:
    """The lake prefix the routing function writes under, read from its deployed environment.

    `stack.client("lambda")` is the stack's Invoke front; function configurations live in moto's
    control plane, at `stack.moto_url`.
    """
    from ..emulator.stack import _client

    name = stack.outputs.function_names["routing"]
    control_plane = _client("lambda", stack.moto_url)
    config = control_plane.get_function_configuration(FunctionName=name)
    return config["Environment"]["Variables"].get("LAKE_PREFIX", "applications").strip("/")


def demo_loop_turn(
    stack: Any,
    champion: Path = ROOT / "build" / "model" / "model.tar.gz",
    out_dir: Path = ROOT / "build" / "demo" / "loop",
    registry: Path | None = ROOT / "build" / "registry",
    say: Callable[[str], None] = print,
    drift_since: datetime | None = None,
) -> LoopTurn:
    """The demo's last step: copy the running stack's lake to `out_dir/lake/`, then one loop turn.

    With a second, shifted wave (`DEMO_DRIFT=1`) pass the time it started as `drift_since`: the
    stack stamps `submitted_at` on arrival, so both waves share today's partition.
    """
    bucket, prefix = stack.outputs["lake_bucket_name"], lake_prefix_of(stack)
    copied = lake.download(f"s3://{bucket}/{prefix}", out_dir / "lake" / prefix, s3=stack.client("s3"))
    say(f"learning loop: lake copied from s3://{bucket}/{prefix} to {_shown(copied)}")
    return loop_turn(copied, champion, out_dir, registry, say=say, drift_since=drift_since)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one turn of the learning loop on a lake folder")
    parser.add_argument("--lake", type=Path, required=True, help="lake folder (e.g. build/demo/loop/lake/applications)")
    parser.add_argument("--champion", type=Path, default=ROOT / "build" / "model" / "model.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "loop")
    parser.add_argument("--registry", type=Path, default=ROOT / "build" / "registry")
    parser.add_argument("--min-train-rows", type=int, default=LOCAL_TRAINSET.min_train_rows)
    parser.add_argument("--min-holdout-rows", type=int, default=LOCAL_TRAINSET.min_holdout_rows)
    parser.add_argument("--drift-days", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.lake.is_dir():
        print(f"{args.lake}: no lake folder (run `make demo` first, which leaves a copy of its lake)", file=sys.stderr)
        return 2
    config = TrainsetConfig(min_train_rows=args.min_train_rows, min_holdout_rows=args.min_holdout_rows)
    turn = loop_turn(args.lake, args.champion, args.out, args.registry, config, drift_days=args.drift_days)
    return 3 if turn.refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
