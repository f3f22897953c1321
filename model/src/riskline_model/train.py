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
from .evaluate import evaluate
from .features.spec import FeatureSpec
from .loop.baseline import write_baseline
from .tiers import choose_thresholds


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
    low_max_reject_rate: float = 0.08
    high_min_reject_rate: float = 0.75
    reject_grades: str = ",".join(sorted(DEFAULT_REJECT_GRADES))

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Hyperparameters":
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown hyperparameters: {', '.join(unknown)}")
        # "3" and "3.0" both mean 3 for an integer hyperparameter.
        convert = {int: lambda v: int(float(v)), float: float, str: str}
        return cls(**{k: convert[known[k]](v) for k, v in values.items()})

    def xgb_params(self) -> dict[str, Any]:
        params = {
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "tree_method": "hist",
            "max_depth": self.max_depth,
            "eta": self.eta,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "min_child_weight": self.min_child_weight,
            "lambda": self.reg_lambda,
            "seed": self.seed,
        }
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
    """Fit the spec and the booster, choose thresholds, evaluate, and write artifact files and reports."""
    import xgboost as xgb

    from .report import write_report

    started = time.perf_counter()
    grades = frozenset(g.strip().lower() for g in hp.reject_grades.split(",") if g.strip())
    data = read_labeled(paths.train, grades)
    train, val, test = _split(data, hp, paths.validation is None, paths.test is None)
    val = val or read_labeled(paths.validation, grades)  # type: ignore[arg-type]
    test = test or read_labeled(paths.test, grades)  # type: ignore[arg-type]

    spec = FeatureSpec.fit(train.columns, train.target)
    x_train, x_val, x_test = (spec.transform(d.columns) for d in (train, val, test))
    dtrain = xgb.DMatrix(x_train, label=train.target, feature_names=list(spec.features))
    dval = xgb.DMatrix(x_val, label=val.target, feature_names=list(spec.features))
    booster = xgb.train(
        hp.xgb_params(),
        dtrain,
        num_boost_round=hp.num_round,
        evals=[(dval, "validation")],
        early_stopping_rounds=hp.early_stopping_rounds,
        verbose_eval=False,
    )
    best, best_score = booster.best_iteration + 1, float(booster.best_score)
    booster = booster[:best]  # keep only the trees early stopping chose

    p_val = booster.inplace_predict(x_val)
    thresholds = choose_thresholds(p_val, val.target, hp.low_max_reject_rate, hp.high_min_reject_rate)
    p_test = booster.inplace_predict(x_test)
    metrics = evaluate(p_test, test.target, thresholds, test.true_probability, test.protected_group)
    metrics["validation_log_loss"] = best_score
    gain = booster.get_score(importance_type="total_gain")
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
        "best_iteration": best,
        "hyperparameters": {f.name: getattr(hp, f.name) for f in fields(hp)},
        "features": list(spec.features),
        "metrics": {
            k: metrics[k] for k in ("auc", "bayes_auc", "log_loss", "calibration_error", "brier") if k in metrics
        },
        "libraries": artifact.library_versions(),
        "training_seconds": round(time.perf_counter() - started, 3),
    }
    metrics = {"model_version": version, **metrics}

    paths.model_dir.mkdir(parents=True, exist_ok=True)
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    booster.set_attr(model_version=version)
    booster.save_model(paths.model_dir / artifact.BOOSTER)
    spec.save(paths.model_dir / artifact.FEATURE_SPEC)
    thresholds.save(paths.model_dir / artifact.THRESHOLDS)
    artifact.write_metadata(paths.model_dir, metadata)
    write_baseline(paths.model_dir, train.columns, hp.seed)  # the drift monitor's reference
    (paths.output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, allow_nan=True) + "\n")
    write_report(paths.output_dir / "report.html", metrics, metadata, p_test, test.target, test.true_probability)
    return TrainResult(model_dir=paths.model_dir, metrics=metrics, metadata=metadata)


def train_to_dir(
    out_dir: Path | str, rows: int = 5_000, seed: int = 0, **hyperparameters: Any
) -> artifact.ArtifactPaths:
    """Generate `rows` labeled applications, train on them and pack the artifact, all under `out_dir`:

    out_dir/data/train.jsonl, out_dir/model.tar.gz, out_dir/artifact/ (unpacked), out_dir/metrics.json,
    out_dir/report.html. For the local stack and tests; `make train` runs the same steps.
    """
    from .data.generator import generate
    from .data.labeled import write_rows

    out = Path(out_dir)
    data_file = out / "data" / "train.jsonl"
    write_rows(data_file, [item.to_row() for item in generate(rows, seed)])
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
    print(
        f"trained {m['model_version']}: auc={m['auc']:.4f}"
        + (f" bayes_auc={m['bayes_auc']:.4f}" if "bayes_auc" in m else "")
        + f" log_loss={m['log_loss']:.4f} calibration_error={m['calibration_error']:.4f}"
        + f" best_iteration={result.metadata['best_iteration']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
