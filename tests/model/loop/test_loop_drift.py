"""Drift on seeded data: a shifted feature crosses the PSI threshold, unshifted ones stay below it."""

import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import boto3
import numpy as np
import pytest
from moto import mock_aws

from riskline_model.artifact import ArtifactPaths
from riskline_model.loop.__main__ import EXIT_DRIFT, main
from riskline_model.loop.baseline import compute_baseline
from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake
from riskline_monitor.drift import DEFAULT_PSI_THRESHOLD, feature_drift
from riskline_schema import FINANCIAL_FIELDS

SHIFTED = "debt_to_income"


@pytest.fixture(scope="module")
def lake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Week 1 like the training population; week 2 with debt-to-income 1.5 times higher."""
    root = tmp_path_factory.mktemp("drift")
    write_lake(lake_frame(LakeSpec(rows=3000, seed=31, days=7)), root)
    second = datetime(2026, 11, 8, tzinfo=UTC)
    write_lake(lake_frame(LakeSpec(rows=3000, seed=32, days=7, start=second, shift={SHIFTED: 1.5})), root, batch="w2")
    return root / "applications"


def test_the_artifact_carries_its_training_baseline(trained: ArtifactPaths) -> None:
    with tarfile.open(trained.tarball) as tar:
        baseline = json.load(tar.extractfile("baseline.json"))
    assert set(baseline["features"]) == set(FINANCIAL_FIELDS)
    assert len(baseline["features"]["annual_income"]["edges"]) == 9
    assert sum(baseline["features"]["annual_income"]["shares"]) == pytest.approx(1.0)
    assert set(baseline["tiers"]) == {"low", "medium", "high"} and sum(baseline["tiers"].values()) == pytest.approx(1)
    assert baseline["rows"] > 2000 and baseline["score"]["kind"] == "numeric"


def test_baseline_and_monitor_agree_on_the_same_rows() -> None:
    frame = lake_frame(LakeSpec(rows=2000, seed=33))
    columns = {f: np.array(frame[f].astype(object).where(frame[f].notna(), None)) for f in FINANCIAL_FIELDS}
    baseline = compute_baseline(columns, frame["probability"].to_numpy(), frame["tier"].to_numpy())
    table = feature_drift(baseline, {f: columns[f].tolist() for f in FINANCIAL_FIELDS}, DEFAULT_PSI_THRESHOLD)
    assert max(d.psi for d in table) < 1e-9
    assert max(d.ks for d in table if d.ks is not None) < 1e-9


def test_shifted_feature_is_flagged_and_the_others_are_not(
    lake_root: Path, trained: ArtifactPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["drift", "--lake", str(lake_root), "--model", str(trained.tarball), "--out", str(tmp_path)]
    assert main([*args, "--until", "2026-11-14", "--fail-on-drift"]) == EXIT_DRIFT
    out = capsys.readouterr().out
    table = json.loads((tmp_path / "drift.json").read_text())
    psi = {d["name"]: d["psi"] for d in table["features"]}
    assert psi[SHIFTED] > DEFAULT_PSI_THRESHOLD
    assert all(v < DEFAULT_PSI_THRESHOLD for k, v in psi.items() if k != SHIFTED)
    assert table["flagged"] == [SHIFTED]
    ks = {d["name"]: d["ks"] for d in table["features"] if d["ks"] is not None}
    assert ks[SHIFTED] == max(ks.values())
    assert "drifted features: debt_to_income" in out
    assert table["quality"]["rows"] > 2000 and 0.5 < table["quality"]["auc"] <= 1
    page = (tmp_path / "drift.html").read_text()
    assert "<svg" in page and "<tr class=drift><td>debt_to_income</td>" in page


def test_the_unshifted_week_shows_no_drift(lake_root: Path, trained: ArtifactPaths, tmp_path: Path) -> None:
    args = ["drift", "--lake", str(lake_root), "--model", str(trained.unpacked), "--out", str(tmp_path)]
    assert main([*args, "--until", "2026-11-07", "--fail-on-drift"]) == 0
    table = json.loads((tmp_path / "drift.json").read_text())
    assert table["flagged"] == [] and table["rows"] == 3000


def test_metrics_are_published_one_per_feature(lake_root: Path, trained: ArtifactPaths, tmp_path: Path) -> None:
    with mock_aws():
        args = ["drift", "--lake", str(lake_root), "--model", str(trained.unpacked), "--out", str(tmp_path)]
        assert main([*args, "--publish", "riskline/drift"]) == 0
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        listed = cloudwatch.list_metrics(Namespace="riskline/drift", MetricName="FeaturePSI")["Metrics"]
        features = {m["Dimensions"][0]["Value"] for m in listed}
        assert features == set(FINANCIAL_FIELDS)
        assert cloudwatch.list_metrics(Namespace="riskline/drift", MetricName="MaxFeaturePSI")["Metrics"]


def test_a_second_wave_sharing_the_window_is_compared_alone(
    lake_root: Path, trained: ArtifactPaths, tmp_path: Path
) -> None:
    args = ["drift", "--lake", str(lake_root), "--model", str(trained.unpacked), "--out", str(tmp_path)]
    assert main([*args, "--until", "2026-11-14", "--days", "14", "--submitted-since", "2026-11-08T00:00:00Z"]) == 0
    table = json.loads((tmp_path / "drift.json").read_text())
    assert table["rows"] == 3000 and table["flagged"] == [SHIFTED]
    assert table["window"]["since"].startswith("2026-11-08T00:00:00")
