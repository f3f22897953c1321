"""Training entry point: the same code runs locally and as a SageMaker training job.

Paths and hyperparameters follow the SageMaker training contract, each overridable by a flag:

    SM_CHANNEL_TRAIN       labeled files (JSON Lines / CSV / Parquet)    default /opt/ml/input/data/train
    SM_CHANNEL_VALIDATION  optional; else a seeded split of train (early stopping, tier thresholds)
    SM_CHANNEL_TEST        optional; else a seeded split of train (the metrics)
    SM_MODEL_DIR           where the artifact files go (SageMaker tars it)  default /opt/ml/model
    SM_OUTPUT_DATA_DIR     metrics.json and report.html                     default /opt/ml/output/data
    SM_INPUT_CONFIG_DIR    holds hyperparameters.json (string values)       default /opt/ml/input/config

`train_to_dir` does the whole local round (generate, train, pack) into any directory.
"""

import argparse
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import artifact
from .data.labeled import DEFAULT_REJECT_GRADES, LabeledData, input_files, read_labeled
from .fitting import HEADLINE, comparison_lines, fit_binary, fit_graded, summary_line
from .grades import DEFAULT_GRADE_MAP, GradeVocabulary
from .loop.baseline import write_baseline
from .tiers import HIGH_ODDS_RATIO, LOW_ODDS_RATIO

ALLOW_EMPTY_TIERS_ENV = "RISKLINE_ALLOW_EMPTY_TIERS"
EXIT_EMPTY_TIER = 3


@dataclass(frozen=True)
class Hyperparameters:
    """Everything tunable. SageMaker passes values as strings; `from_mapping` converts them."""

    max_depth: int = 4
    eta: float = 0.1
    num_round: int = 400
    early_stopping_rounds: int = 30
    subsample: float = 0.8
    colsample_bytree: float = 0.9
    min_child_weight: float = 5.0
    reg_lambda: float = 1.0
    seed: int = 0
    nthread: int = 0  # 0 = every core
    validation_fraction: float = 0.15
    test_fraction: float = 0.15
    low_odds_ratio: float = LOW_ODDS_RATIO  # binary: cut-off targets relative to the base rate (tiers.py)
    high_odds_ratio: float = HIGH_ODDS_RATIO
    reject_grades: str = ",".join(sorted(DEFAULT_REJECT_GRADES))
    label_mode: str = "auto"  # auto: grades train the tiers, accept/reject the reject probability; binary: fold
    grade_map: str = DEFAULT_GRADE_MAP  # the grade vocabulary (grades.py)
    tier_model: str = "auto"  # graded: softmax, ordinal, ensemble, or auto (chosen on validation log loss)
    ensemble_margin: float = 0.002  # auto keeps a single formulation only if it beats the ensemble by this
    tier_policy: str = "expected_cost"  # graded: argmax or expected_cost (policy.py)
    tier_costs: str = ""  # expected_cost: "c00,c01,c02;c10,...", empty = fitted on validation
    boost_from_linear: int = 1  # graded: the trees start from logistic-regression margins (linear.py)
    calibrate: int = 1  # graded: calibrate the tier probabilities on validation
    allow_empty_tiers: int = 0  # 1: a tier nobody is served in is reported but does not fail the run

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Hyperparameters":
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown hyperparameters: {', '.join(unknown)}")
        # "3" and "3.0" both mean 3 for an integer hyperparameter.
        convert = {int: lambda v: int(float(v)), float: float, str: str}
        return cls(**{k: convert[known[k]](v) for k, v in values.items()})

    def xgb_params(self, num_class: int = 0) -> dict[str, Any]:
        params: dict[str, Any] = {
            "objective": "multi:softprob" if num_class else "binary:logistic",
            "eval_metric": "mlogloss" if num_class else "logloss",
            "tree_method": "hist",
            "max_depth": self.max_depth,
            "eta": self.eta,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "min_child_weight": self.min_child_weight,
            "lambda": self.reg_lambda,
            "seed": self.seed,
        }
        if num_class:
            params["num_class"] = num_class
        if self.nthread:
            params["nthread"] = self.nthread
        return params


@dataclass(frozen=True)
class Paths:
    train: Path
    validation: Path | None
    test: Path | None
    model_dir: Path
    output_dir: Path


@dataclass(frozen=True)
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    metadata: dict[str, Any]


def _split(data: LabeledData, hp: Hyperparameters, need_val: bool, need_test: bool):
    rng = np.random.default_rng(hp.seed)
    order = rng.permutation(len(data))
    n_val = round(len(data) * hp.validation_fraction) if need_val else 0
    n_test = round(len(data) * hp.test_fraction) if need_test else 0
    if len(data) - n_val - n_test < 100:
        raise ValueError(f"{len(data)} rows are too few to train on after the validation/test splits")
    val, test, train = order[:n_val], order[n_val : n_val + n_test], order[n_val + n_test :]
    return data.subset(train), data.subset(val) if need_val else None, data.subset(test) if need_test else None


def run(paths: Paths, hp: Hyperparameters, trained_at: datetime | None = None) -> TrainResult:
    """Fit the spec, the model and the baselines, evaluate, and write artifact files and reports."""
    from .report import write_report

    started = time.perf_counter()
    grades = frozenset(g.strip().lower() for g in hp.reject_grades.split(",") if g.strip())
    vocabulary = GradeVocabulary.parse(hp.grade_map)
    data = read_labeled(paths.train, grades, vocabulary)
    train, val, test = _split(data, hp, paths.validation is None, paths.test is None)
    val = val or read_labeled(paths.validation, grades, vocabulary)  # type: ignore[arg-type]
    test = test or read_labeled(paths.test, grades, vocabulary)  # type: ignore[arg-type]
    if hp.label_mode not in ("auto", "binary"):
        raise ValueError(f"label_mode must be auto or binary, not {hp.label_mode!r}")
    graded = data.label_kind == "grade" and hp.label_mode == "auto"

    fitting = fit_graded if graded else fit_binary
    fitted = fitting(train, val, test, hp, vocabulary)
    metrics, tier_model = fitted.metrics, fitted.tier_model
    best = fitted.best_iteration
    gain: dict[str, float] = {}
    for b in tier_model.boosters:
        for k, v in b.get_score(importance_type="total_gain").items():
            gain[k] = gain.get(k, 0.0) + v
    total_gain = sum(gain.values()) or 1.0
    metrics["feature_importance"] = {
        k: v / total_gain for k, v in sorted(gain.items(), key=lambda kv: -kv[1]) if v / total_gain >= 1e-4
    }

    files = input_files(paths.train)
    for extra in (paths.validation, paths.test):
        if extra is not None:
            files += input_files(extra)
    digest = artifact.data_hash(files)
    trained_at = trained_at or datetime.now(UTC)
    version = artifact.model_version(trained_at, digest)
    metadata = {
        "model_version": version,
        "trained_at": trained_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "training_data_sha256": digest,
        "rows": {
            "train": len(train),
            "validation": len(val),
            "test": len(test),
            "skipped_invalid": data.skipped_rows,
        },
        "label_kind": data.label_kind,
        "trained_on": "tiers" if graded else "reject probability",
        "tier_model": tier_model.kind,
        "best_iteration": best,
        "hyperparameters": {f.name: getattr(hp, f.name) for f in fields(hp)},
        "features": list(fitted.spec.features),
        "metrics": {k: metrics[k] for k in HEADLINE if k in metrics},
        "empty_tiers": metrics["empty_tiers"],
        "libraries": artifact.library_versions(),
        "training_seconds": round(time.perf_counter() - started, 3),
    }
    metrics = {"model_version": version, **metrics}

    paths.model_dir.mkdir(parents=True, exist_ok=True)
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    tier_model.save(paths.model_dir, version)
    fitted.spec.save(paths.model_dir / artifact.FEATURE_SPEC)
    artifact.write_metadata(paths.model_dir, metadata)
    write_baseline(paths.model_dir, train.columns, hp.seed)  # the drift monitor's reference
    (paths.output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, allow_nan=True) + "\n")
    write_report(paths.output_dir / "report.html", metrics, metadata, fitted.plot_inputs)
    return TrainResult(model_dir=paths.model_dir, metrics=metrics, metadata=metadata)


def train_to_dir(
    out_dir: Path | str, rows: int = 5_000, seed: int = 0, labels: str = "binary", **hyperparameters: Any
) -> artifact.ArtifactPaths:
    """Generate `rows` labeled applications, train on them and pack the artifact, all under `out_dir`:

    out_dir/data/train.jsonl, out_dir/model.tar.gz, out_dir/artifact/ (unpacked), out_dir/metrics.json,
    out_dir/report.html. For the local stack and tests; `make train` runs the same steps.
    """
    from .data.generator import generate
    from .data.labeled import write_rows

    out = Path(out_dir)
    data_file = out / "data" / "train.jsonl"
    write_rows(data_file, [item.to_row() for item in generate(rows, seed, labels=labels)])
    staging = out / "staging"
    hp = Hyperparameters.from_mapping({"seed": seed, **hyperparameters})
    run(Paths(train=data_file.parent, validation=None, test=None, model_dir=staging, output_dir=out), hp)
    return artifact.pack(staging, out)


def _env_path(name: str, default: str | None) -> Path | None:
    value = os.environ.get(name, default)
    return Path(value) if value else None


def _channel(name: str) -> Path | None:
    """An optional channel: SM_CHANNEL_<NAME>, else SageMaker's folder for it if the job has one."""
    value = os.environ.get(f"SM_CHANNEL_{name.upper()}")
    if value:
        return Path(value)
    folder = Path("/opt/ml/input/data") / name
    return folder if folder.is_dir() else None


def _read_hyperparameters(config_dir: Path) -> dict[str, Any]:
    path = config_dir / "hyperparameters.json"
    if not path.is_file():
        return {}
    # SageMaker stores every value as a string (sometimes JSON-quoted twice): unwrap what it can.
    values = json.loads(path.read_text())
    return {k: json.loads(v) if isinstance(v, str) and v.startswith('"') else v for k, v in values.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=_env_path("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--validation", type=Path, default=_channel("validation"))
    parser.add_argument("--test", type=Path, default=_channel("test"))
    parser.add_argument("--model-dir", type=Path, default=_env_path("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--output-data-dir", type=Path, default=_env_path("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data"))
    parser.add_argument("--config-dir", type=Path, default=_env_path("SM_INPUT_CONFIG_DIR", "/opt/ml/input/config"))
    parser.add_argument(
        "--hp", action="append", default=[], metavar="NAME=VALUE", help="hyperparameter (overrides the config file)"
    )
    parser.add_argument(
        "--allow-empty-tiers",
        action="store_true",
        default=os.environ.get(ALLOW_EMPTY_TIERS_ENV, "") not in ("", "0", "false"),
        help=f"a tier nobody is served in does not fail the run (also {ALLOW_EMPTY_TIERS_ENV}=1, or the "
        "allow_empty_tiers hyperparameter)",
    )
    args = parser.parse_args(argv)
    try:
        values = _read_hyperparameters(args.config_dir)
        for item in args.hp:
            name, _, value = item.partition("=")
            values[name] = value
        hp = Hyperparameters.from_mapping(values)
        paths = Paths(args.train, args.validation, args.test, args.model_dir, args.output_data_dir)
        result = run(paths, hp)
    except Exception as exc:
        # SageMaker shows /opt/ml/output/failure as the job's failure reason.
        failure_dir = _env_path("SM_OUTPUT_DIR", "/opt/ml/output")
        if failure_dir is not None and failure_dir.is_dir() and os.access(failure_dir, os.W_OK):
            (failure_dir / "failure").write_text(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        print(f"training failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    m = result.metrics
    print(summary_line(m, result.metadata))
    for line in comparison_lines(m):
        print(line)
    if m["empty_tiers"]:
        allowed = args.allow_empty_tiers or hp.allow_empty_tiers
        print(
            f"EMPTY TIER: no test application is served in tier {', '.join(m['empty_tiers'])}"
            + (
                " (allowed by the operator)"
                if allowed
                else f"; exit {EXIT_EMPTY_TIER} (allow with --allow-empty-tiers)"
            ),
            file=sys.stderr,
        )
        if not allowed:
            return EXIT_EMPTY_TIER
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
