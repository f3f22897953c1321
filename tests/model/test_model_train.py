import json
import re
import tarfile
from datetime import UTC, datetime

import numpy as np
import pytest
import xgboost as xgb

from riskline_model import artifact
from riskline_model.data.generator import generate
from riskline_model.data.labeled import write_rows
from riskline_model.features.spec import FeatureSpec
from riskline_model.tier_model import TierModel
from riskline_model.train import Hyperparameters, main

VERSION = re.compile(r"^riskline-xgb-\d{8}T\d{4}-[0-9a-f]{8}$")


@pytest.fixture(scope="module")
def sm_dirs(tmp_path_factory):
    """A SageMaker training container's file system, in miniature."""
    root = tmp_path_factory.mktemp("opt_ml")
    items = generate(2_500, seed=61)
    write_rows(root / "input/data/train/part-0.jsonl", [x.to_row() for x in items[:2_000]])
    write_rows(root / "input/data/validation/val.csv", [x.to_row() for x in items[2_000:]])
    config = root / "input/config"
    config.mkdir(parents=True)
    # SageMaker writes every hyperparameter value as a string.
    (config / "hyperparameters.json").write_text(json.dumps({"num_round": "40", "max_depth": "3", "eta": "0.2"}))
    (root / "output").mkdir()
    return root


def _sm_env(monkeypatch, root):
    monkeypatch.setenv("SM_CHANNEL_TRAIN", str(root / "input/data/train"))
    monkeypatch.setenv("SM_CHANNEL_VALIDATION", str(root / "input/data/validation"))
    monkeypatch.setenv("SM_MODEL_DIR", str(root / "model"))
    monkeypatch.setenv("SM_OUTPUT_DATA_DIR", str(root / "output/data"))
    monkeypatch.setenv("SM_INPUT_CONFIG_DIR", str(root / "input/config"))
    monkeypatch.setenv("SM_OUTPUT_DIR", str(root / "output"))


def test_entry_point_follows_the_sagemaker_training_contract(monkeypatch, sm_dirs, capsys):
    _sm_env(monkeypatch, sm_dirs)
    assert main([]) == 0
    model = sm_dirs / "model"
    assert sorted(p.name for p in model.iterdir()) == sorted(artifact.FILES + artifact.OPTIONAL_FILES)
    meta = json.loads((model / "metadata.json").read_text())
    assert VERSION.match(meta["model_version"])
    assert meta["hyperparameters"]["num_round"] == 40 and meta["hyperparameters"]["eta"] == 0.2
    assert meta["rows"]["validation"] == 500 and meta["rows"]["train"] + meta["rows"]["test"] == 2_000
    assert meta["best_iteration"] <= 40
    assert set(meta["libraries"]) >= {"xgboost", "numpy", "python"}
    assert re.fullmatch(r"[0-9a-f]{64}", meta["training_data_sha256"])
    assert (sm_dirs / "output/data/metrics.json").is_file() and (sm_dirs / "output/data/report.html").is_file()
    assert meta["model_version"] in capsys.readouterr().out


def test_flags_override_the_hyperparameters_file(monkeypatch, sm_dirs, tmp_path):
    _sm_env(monkeypatch, sm_dirs)
    assert (
        main(["--model-dir", str(tmp_path / "m"), "--output-data-dir", str(tmp_path / "o"), "--hp", "num_round=5"]) == 0
    )
    assert json.loads((tmp_path / "m/metadata.json").read_text())["best_iteration"] <= 5


def test_a_failed_job_writes_the_reason_where_sagemaker_reads_it(monkeypatch, sm_dirs, tmp_path):
    _sm_env(monkeypatch, sm_dirs)
    monkeypatch.setenv("SM_CHANNEL_TRAIN", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    assert main([]) == 1
    assert "no labeled files" in (sm_dirs / "output/failure").read_text()


def test_unknown_hyperparameters_are_refused():
    with pytest.raises(ValueError, match="colour"):
        Hyperparameters.from_mapping({"colour": "blue"})
    assert Hyperparameters.from_mapping({"num_round": "12.0", "eta": "0.3"}).num_round == 12


def test_artifact_is_a_sagemaker_tarball_with_files_at_the_root(trained):
    with tarfile.open(trained.tarball) as tar:
        assert sorted(tar.getnames()) == sorted(artifact.FILES + artifact.OPTIONAL_FILES)
    assert sorted(p.name for p in trained.unpacked.iterdir()) == sorted(artifact.FILES + artifact.OPTIONAL_FILES)


def test_packing_the_same_files_twice_gives_identical_bytes(trained, tmp_path):
    staging = trained.tarball.parent / "staging"
    first = artifact.pack(staging, tmp_path / "a").tarball.read_bytes()
    assert artifact.pack(staging, tmp_path / "b").tarball.read_bytes() == first


def test_artifact_loads_and_reproduces_the_reported_metrics(trained, model_dir):
    meta = artifact.read_metadata(model_dir)
    booster = xgb.Booster(model_file=str(model_dir / artifact.BOOSTER))
    assert booster.attr("model_version") == meta["model_version"]
    spec = FeatureSpec.load(model_dir / artifact.FEATURE_SPEC)
    tier_model = TierModel.load(model_dir)
    assert tier_model.kind == "binary"
    thresholds = tier_model.thresholds
    assert thresholds.low_below < thresholds.high_at_or_above
    metrics = json.loads((trained.tarball.parent / "metrics.json").read_text())
    assert metrics["model_version"] == meta["model_version"]
    # The model learned the auditors: well above chance, and not above what the labels allow.
    assert 0.7 < metrics["auc"] <= metrics["bayes_auc"] + 0.02
    assert metrics["tier_reject_rates_rise"]
    assert metrics["calibration_error"] < 0.05
    assert metrics["empty_tiers"] == []
    # The baselines of the same run stand beside it.
    assert set(metrics["baselines"]) == {"logistic_regression", "xgboost_plain"}
    assert all(0.6 < b["auc"] < 1 for b in metrics["baselines"].values())
    assert metrics["comparison"]["verdict"]
    x = spec.transform_records([generate(1, seed=62)[0].application.to_model_input()])
    assert 0 < float(booster.inplace_predict(x)[0]) < 1


def test_model_version_names_the_time_and_the_data():
    assert artifact.model_version(datetime(2026, 11, 29, 12, 0, tzinfo=UTC), "1a2b3c4d" + "0" * 56) == (
        "riskline-xgb-20261129T1200-1a2b3c4d"
    )


def test_report_is_html_with_every_plot(trained):
    html = (trained.tarball.parent / "report.html").read_text()
    for alt in ("roc", "calibration", "tiers", "importance", "confusion_model", "confusion_xgboost_plain"):
        assert f'alt="{alt}" src="data:image/png;base64,' in html
    assert "Bayes-optimal" in html and "approval-rate gap" in html
    assert np.isfinite(json.loads((trained.tarball.parent / "metrics.json").read_text())["log_loss"])
