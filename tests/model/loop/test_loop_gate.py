"""Challenger vs champion: a same-quality challenger is promoted, a worse one rejected by name."""

import json
import math
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from riskline_model.artifact import ArtifactPaths
from riskline_model.loop import lake
from riskline_model.loop.__main__ import main
from riskline_model.loop.compare import macro_f1
from riskline_model.loop.gate import Margins, decide
from riskline_model.loop.stats import psi_from_shares
from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake
from riskline_model.loop.trainset import TRAIN_FILE, build_trainset


@pytest.fixture(scope="module")
def trainset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("loop")
    write_lake(lake_frame(LakeSpec(rows=6000, seed=21)), root / "lake")
    build_trainset(lake.local_files(root / "lake"), root / "set")
    return root / "set"


def shuffled_copy(trainset: Path, dest: Path) -> Path:
    shutil.copytree(trainset, dest)
    path = dest / TRAIN_FILE
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    labels = [r["label"] for r in rows]
    random.Random(0).shuffle(labels)
    path.write_text("".join(json.dumps({**r, "label": label}) + "\n" for r, label in zip(rows, labels, strict=True)))
    return dest


def test_same_quality_challenger_is_promoted_with_a_report(
    trainset: Path, trained: ArtifactPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir, registry = tmp_path / "challenge", tmp_path / "registry"
    args = ["--trainset", str(trainset), "--champion", str(trained.tarball), "--out", str(out_dir)]
    code = main(["challenge", *args, "--registry", str(registry)])
    out = capsys.readouterr().out
    assert code == 0
    assert "gate: PROMOTE" in out and "FAIL" not in out
    assert "registered riskline-risk version 1" in out
    assert json.loads((registry / "riskline-risk/1/package.json").read_text())["status"] == "PendingManualApproval"
    verdict = json.loads((out_dir / "verdict.json").read_text())
    assert verdict["decision"] == "promote" and verdict["failed"] == []
    assert {c["name"] for c in verdict["checks"]} >= {"auc", "macro_f1", "log_loss", "calibration_error"}
    page = (out_dir / "comparison.html").read_text()
    assert "PROMOTE" in page and page.count("<svg") == 3
    assert (out_dir / "challenger/model.tar.gz").is_file()


def test_challenger_trained_on_shuffled_labels_is_rejected_naming_the_margins(
    trainset: Path, trained: ArtifactPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    worse = shuffled_copy(trainset, tmp_path / "shuffled")
    code = main(
        ["challenge", "--trainset", str(worse), "--champion", str(trained.unpacked), "--out", str(tmp_path / "c")]
    )
    out = capsys.readouterr().out
    assert code == 0
    verdict = json.loads((tmp_path / "c/verdict.json").read_text())
    assert verdict["decision"] == "reject"
    assert {"auc", "log_loss"} <= set(verdict["failed"])
    assert re.search(r"FAIL auc: champion 0\.8\d+, challenger 0\.[45]\d+", out)
    assert "failed margins: auc" in out
    assert "REJECT — failed: auc" in (tmp_path / "c/comparison.html").read_text()


def comparison(**changes: Any) -> dict[str, Any]:
    model = {"model_version": "m", "auc": 0.85, "macro_f1": 0.75, "log_loss": 0.40, "calibration_error": 0.02}
    doc = {
        "champion": dict(model),
        "challenger": dict(model),
        "stability": {"tier_change_share": 0.1, "tier_psi": 0.01},
    }
    for key, value in changes.items():
        part, name = key.split("__")
        doc[part][name] = value
    return doc


def test_only_the_margin_that_is_exceeded_fails() -> None:
    verdict = decide(comparison(stability__tier_psi=0.3))
    assert verdict.decision == "reject" and verdict.failed == ["tier_psi"]
    assert decide(comparison(challenger__auc=0.845)).decision == "promote"
    assert decide(comparison(challenger__auc=0.845), Margins(auc_drop=0.001)).failed == ["auc"]


def test_a_challenger_that_empties_a_tier_the_champion_serves_is_rejected() -> None:
    served = {"low": {"count": 60}, "medium": {"count": 30}, "high": {"count": 10}}
    no_low = {"low": {"count": 0}, "medium": {"count": 90}, "high": {"count": 10}}
    assert decide(comparison(champion__tiers=served, challenger__tiers=no_low)).failed == ["empty_tiers"]
    assert decide(comparison(champion__tiers=served, challenger__tiers=served)).decision == "promote"


def test_a_figure_that_cannot_be_computed_fails_its_check() -> None:
    assert decide(comparison(challenger__auc=math.nan)).failed == ["auc"]


def test_fairness_gap_counts_when_both_have_a_group() -> None:
    doc = comparison()
    doc["champion"]["fairness"] = {"approval_rate_gap": 0.02}
    doc["challenger"]["fairness"] = {"approval_rate_gap": 0.09}
    assert decide(doc).failed == ["approval_rate_gap"]


def test_unknown_or_negative_margins_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown gate margins: auc"):
        Margins.from_mapping({"auc": "0.1"})
    with pytest.raises(ValueError, match="must not be negative: log_loss_rise"):
        Margins.from_mapping({"log_loss_rise": "-1"})


def test_psi_and_macro_f1_on_known_values() -> None:
    assert psi_from_shares([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert psi_from_shares([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.4 * math.log(1.8) - 0.4 * math.log(0.2))
    import numpy as np

    predicted, actual = np.array(["a", "a", "b", "b"]), np.array(["a", "b", "b", "b"])
    assert macro_f1(predicted, actual, ("a", "b")) == pytest.approx((2 / 3 + 0.8) / 2)
