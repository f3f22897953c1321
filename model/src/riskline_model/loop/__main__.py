"""`python -m riskline_model.loop <command>`: the learning loop's steps, one command each.

    trainset   build the labelled, time-split training set from the lake
    challenge  train a challenger on the set, score the holdout with it and the champion, gate, report
               (with --registry/--sagemaker: register it when the gate promotes it)
    register   register a challenge's promoted challenger (PendingManualApproval)
    approve    approve (or reject) a registered version; prints the rollout command
    drift      PSI/KS per feature and for the score, recent lake window vs the artifact's baseline

Exit status: 0 done, 2 bad arguments or unreadable input, 3 refused (the message says why),
4 drift flagged (`drift --fail-on-drift`).
"""

import argparse
import json
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from . import lake
from .challenge import challenge
from .challenger import ChallengerTrainingFailed
from .gate import PROMOTE, Margins
from .registry import APPROVED, REJECTED, LocalRegistry, Package, SageMakerRegistry
from .trainset import TrainsetConfig, TrainsetRefused, build_trainset

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3


def _default_lake() -> str:
    """`RISKLINE_LAKE`, else the SageMaker Processing input mount."""
    return os.environ.get("RISKLINE_LAKE", str(lake.PROCESSING_INPUT))


def _timestamp(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r}: give a timezone (e.g. 2026-12-01T00:00:00Z)")
    return stamp


def _add_trainset(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("trainset", help="build the training set from the lake")
    p.add_argument("--lake", default=_default_lake(), help="lake folder or s3://bucket/prefix (default %(default)s)")
    p.add_argument("--out", type=Path, default=Path("/opt/ml/processing/output"), help="output folder")
    p.add_argument("--since", type=date.fromisoformat, help="first dt= partition to read (YYYY-MM-DD)")
    p.add_argument("--until", type=date.fromisoformat, help="last dt= partition to read (YYYY-MM-DD)")
    p.add_argument("--holdout-fraction", type=float, default=TrainsetConfig.holdout_fraction)
    p.add_argument("--holdout-days", type=float, help="hold out the last N days instead of a fraction")
    p.add_argument("--holdout-since", type=_timestamp, help="hold out everything submitted from this time")
    p.add_argument("--min-train-rows", type=int, default=TrainsetConfig.min_train_rows)
    p.add_argument("--min-holdout-rows", type=int, default=TrainsetConfig.min_holdout_rows)
    p.add_argument("--min-minority-share", type=float, default=TrainsetConfig.min_minority_share)
    p.add_argument(
        "--label", choices=("auto", "grade", "binary"), default="auto", help="auto: graded if every audit has a grade"
    )
    p.add_argument("--memory-limit", default=TrainsetConfig.memory_limit, help="DuckDB memory before it spills")
    p.add_argument("--scratch", type=Path, help="where an s3:// lake is downloaded (default: a temporary folder)")


def _trainset(args: argparse.Namespace) -> int:
    config = TrainsetConfig(
        holdout_fraction=args.holdout_fraction,
        holdout_days=args.holdout_days,
        holdout_since=args.holdout_since,
        min_train_rows=args.min_train_rows,
        min_holdout_rows=args.min_holdout_rows,
        min_minority_share=args.min_minority_share,
        label_mode=args.label,
        memory_limit=args.memory_limit,
    )
    days = lake.DateRange(args.since, args.until)
    with tempfile.TemporaryDirectory(prefix="riskline-lake-") as tmp:
        files = lake.resolve(args.lake, args.scratch or Path(tmp), days)
        summary = build_trainset(files, args.out, config)
    print("\n".join(summary.lines()))
    print(f"wrote {summary.outputs['train']} and {summary.outputs['holdout']}")
    return 0


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"{what} {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


DEFAULT_GROUP = "riskline-risk"


def _add_registry_args(p: argparse.ArgumentParser, required: bool) -> None:
    where = p.add_mutually_exclusive_group(required=required)
    where.add_argument("--registry", type=Path, help="local registry folder (e.g. build/registry)")
    where.add_argument("--sagemaker", action="store_true", help="SageMaker Model Registry (boto3, AWS environment)")
    p.add_argument("--group", default=DEFAULT_GROUP, help="model package group (default %(default)s)")
    p.add_argument("--bucket", help="SageMaker: the lake bucket the endpoint loads models/<model_version>/ from")
    p.add_argument("--serving-image", help="SageMaker: the serving image URI for both pipeline containers")


def _registry(args: argparse.Namespace, registering: bool) -> LocalRegistry | SageMakerRegistry:
    if args.registry:
        return LocalRegistry(args.registry)
    import boto3

    if registering and not (args.bucket and args.serving_image):
        raise ValueError("--sagemaker registration needs --bucket and --serving-image")
    return SageMakerRegistry(boto3.client("sagemaker"), boto3.client("s3"), args.bucket or "", args.serving_image or "")


def _register_challenge(registry: LocalRegistry | SageMakerRegistry, group: str, challenge_dir: Path) -> Package:
    verdict = json.loads((challenge_dir / "verdict.json").read_text())
    if verdict["decision"] != PROMOTE:
        raise ValueError(f"{challenge_dir}: the gate rejected {verdict['challenger']} ({', '.join(verdict['failed'])})")
    figures = json.loads((challenge_dir / "comparison.json").read_text())
    tarball = challenge_dir / "challenger" / "model.tar.gz"
    return registry.register(group, tarball, verdict["challenger"], verdict, figures)


def _print_registered(package: Package) -> None:
    print(f"registered {package.group} version {package.version} ({package.model_version}): {package.status}")
    print(f"  at {package.location}")
    print(f"  approve: python -m riskline_model.loop approve --group {package.group} --version {package.version} ...")


def _add_challenge(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("challenge", help="challenger vs champion on the newest holdout: verdict and report")
    p.add_argument("--trainset", type=Path, required=True, help="a `trainset` output folder")
    p.add_argument("--champion", type=Path, required=True, help="the serving artifact: folder or model.tar.gz")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--challenger", type=Path, help="gate this artifact instead of training one")
    p.add_argument("--hp", action="append", default=[], metavar="NAME=VALUE", help="training hyperparameter")
    p.add_argument(
        "--margin", action="append", default=[], metavar="NAME=VALUE", help="gate margin, e.g. auc_drop=0.005"
    )
    p.add_argument("--group-column", help="fairness group (default: protected_group, else channel)")
    _add_registry_args(p, required=False)


def _challenge(args: argparse.Namespace) -> int:
    result = challenge(
        args.trainset,
        args.champion,
        args.out,
        Margins.from_mapping(_pairs(args.margin, "--margin")),
        _pairs(args.hp, "--hp"),
        args.group_column,
        args.challenger,
    )
    print("\n".join(result.verdict.lines()))
    print(f"report: {result.report}")
    if (args.registry or args.sagemaker) and result.verdict.decision == PROMOTE:
        _print_registered(_register_challenge(_registry(args, registering=True), args.group, args.out))
    return 0


def _add_register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("register", help="register a challenge's promoted challenger")
    p.add_argument("--challenge", type=Path, required=True, help="a `challenge` output folder")
    _add_registry_args(p, required=True)


def _register(args: argparse.Namespace) -> int:
    _print_registered(_register_challenge(_registry(args, registering=True), args.group, args.challenge))
    return 0


def _add_approve(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("approve", help="approve a registered version and print its rollout command")
    p.add_argument("--version", type=int, required=True, help="package version in the group")
    p.add_argument("--reject", action="store_true", help="mark it Rejected instead")
    p.add_argument("--note", default="", help="approval description")
    p.add_argument("--env", default="<env>", help="terraform/envs/<env> for the printed command")
    _add_registry_args(p, required=True)


def _approve(args: argparse.Namespace) -> int:
    package = _registry(args, registering=False).set_status(
        args.group, args.version, REJECTED if args.reject else APPROVED, args.note
    )
    print(f"{package.group} version {package.version} ({package.model_version}): {package.status}")
    if package.status == APPROVED:
        if not package.model_data.startswith("s3://"):
            print("copy the artifact where the endpoint loads it from:")
            print(f"  aws s3 cp {package.model_data} s3://<lake bucket>/models/{package.model_version}/model.tar.gz")
        print("roll it out (blue/green, automatic rollback on the endpoint alarms):")
        print(f"  {package.rollout_command(args.env)}")
    return 0


EXIT_DRIFT = 4


def _add_drift(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("drift", help="recent lake window against the training baseline: report and metrics")
    p.add_argument("--lake", type=Path, default=Path(_default_lake()), help="lake folder (default %(default)s)")
    p.add_argument("--model", type=Path, required=True, help="the serving artifact: folder or model.tar.gz")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--until", type=date.fromisoformat, help="last dt= day of the window (default: the newest)")
    p.add_argument("--days", type=int, default=7, help="window length in days (default %(default)s)")
    p.add_argument("--threshold", type=float, help="PSI above which a feature is flagged (default 0.2)")
    p.add_argument("--submitted-since", type=_timestamp, help="only rows submitted from this time (ISO, with zone)")
    p.add_argument("--publish", metavar="NAMESPACE", help="put the metrics in this CloudWatch namespace")
    p.add_argument("--fail-on-drift", action="store_true", help=f"exit {EXIT_DRIFT} when a feature is flagged")


def _drift(args: argparse.Namespace) -> int:
    from .challenge import model_dir
    from .drift import run_drift

    run = run_drift(
        args.lake,
        model_dir(args.model, args.out / "model"),
        args.out,
        args.until,
        args.days,
        args.threshold,
        args.submitted_since,
    )
    print("\n".join(run.result.lines()))
    print(f"report: {run.report}")
    if args.publish:
        import boto3

        from riskline_monitor.metrics import publish

        count = publish(boto3.client("cloudwatch"), args.publish, run.result)
        print(f"published {count} metrics to CloudWatch namespace {args.publish}")
    return EXIT_DRIFT if args.fail_on_drift and run.result.flagged else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.loop", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _add_trainset(commands)
    _add_challenge(commands)
    _add_register(commands)
    _add_approve(commands)
    _add_drift(commands)
    args = parser.parse_args(argv)
    handlers = {
        "trainset": _trainset,
        "challenge": _challenge,
        "register": _register,
        "approve": _approve,
        "drift": _drift,
    }
    try:
        return handlers[args.command](args)
    except TrainsetRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except ChallengerTrainingFailed as exc:
        print(f"challenger: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
