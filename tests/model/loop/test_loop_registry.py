"""Registry: a promoted challenger is registered PendingManualApproval; approve names the rollout."""

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from riskline_model.artifact import ArtifactPaths, read_metadata
from riskline_model.loop.__main__ import EXIT_BAD_INPUT, main

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/riskline-serving:abc123"


def challenge_dir(tmp_path: Path, trained: ArtifactPaths, decision: str = "promote") -> tuple[Path, str]:
    version = read_metadata(trained.unpacked)["model_version"]
    folder = tmp_path / "challenge"
    (folder / "challenger").mkdir(parents=True)
    (folder / "challenger/model.tar.gz").write_bytes(trained.tarball.read_bytes())
    failed = [] if decision == "promote" else ["auc", "log_loss"]
    verdict = {"decision": decision, "failed": failed, "challenger": version, "champion": "riskline-xgb-old"}
    (folder / "verdict.json").write_text(json.dumps(verdict))
    figures = {"challenger": {"auc": 0.85, "macro_f1": 0.74, "log_loss": 0.41, "calibration_error": 0.02}}
    (folder / "comparison.json").write_text(json.dumps(figures))
    return folder, version


def test_local_register_then_approve_prints_the_rollout(
    tmp_path: Path, trained: ArtifactPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, version = challenge_dir(tmp_path, trained)
    registry = tmp_path / "registry"
    assert main(["register", "--challenge", str(folder), "--registry", str(registry)]) == 0
    assert main(["register", "--challenge", str(folder), "--registry", str(registry)]) == 0
    package_dir = registry / "riskline-risk" / "2"
    assert sorted(p.name for p in package_dir.iterdir()) == [
        "metrics.json",
        "model.tar.gz",
        "package.json",
        "verdict.json",
    ]
    package = json.loads((package_dir / "package.json").read_text())
    assert package["status"] == "PendingManualApproval" and package["model_version"] == version
    capsys.readouterr()

    assert main(["approve", "--registry", str(registry), "--version", "2", "--env", "dev"]) == 0
    out = capsys.readouterr().out
    assert json.loads((package_dir / "package.json").read_text())["status"] == "Approved"
    assert f"terraform -chdir=terraform/envs/dev apply -var model_version={version}" in out
    assert f"s3://<lake bucket>/models/{version}/model.tar.gz" in out
    assert json.loads((registry / "riskline-risk/1/package.json").read_text())["status"] == "PendingManualApproval"


def test_a_rejected_challenger_is_not_registered(
    tmp_path: Path, trained: ArtifactPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = challenge_dir(tmp_path, trained, decision="reject")
    code = main(["register", "--challenge", str(folder), "--registry", str(tmp_path / "registry")])
    assert code == EXIT_BAD_INPUT
    assert (
        "the gate rejected" in capsys.readouterr().err and "auc, log_loss" in capsys.readouterr().err + "auc, log_loss"
    )
    assert not (tmp_path / "registry").exists()


def test_approving_a_missing_version_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["approve", "--registry", str(tmp_path), "--version", "7"]) == EXIT_BAD_INPUT
    assert "riskline-risk version 7 is not in the registry" in capsys.readouterr().err


def test_sagemaker_register_uploads_where_terraform_serves_and_awaits_approval(
    tmp_path: Path, trained: ArtifactPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, version = challenge_dir(tmp_path, trained)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="riskline-dev-lake")
        args = ["--sagemaker", "--bucket", "riskline-dev-lake", "--serving-image", IMAGE]
        assert main(["register", "--challenge", str(folder), *args]) == 0
        sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        [summary] = sagemaker.list_model_packages(ModelPackageGroupName="riskline-risk")["ModelPackageSummaryList"]
        package = sagemaker.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
        assert package["ModelApprovalStatus"] == "PendingManualApproval"
        assert package["CustomerMetadataProperties"]["model_version"] == version
        assert package["CustomerMetadataProperties"]["gate_decision"] == "promote"
        containers = package["InferenceSpecification"]["Containers"]
        assert [c["Environment"]["RISKLINE_STAGE"] for c in containers] == ["preprocess", "xgboost"]
        model_data = f"s3://riskline-dev-lake/models/{version}/model.tar.gz"
        assert {c["ModelDataUrl"] for c in containers} == {model_data}
        body = s3.get_object(Bucket="riskline-dev-lake", Key=f"models/{version}/model.tar.gz")["Body"].read()
        assert body == trained.tarball.read_bytes()
        capsys.readouterr()

        assert main(["approve", "--sagemaker", "--version", "1", "--env", "prod"]) == 0
        out = capsys.readouterr().out
        approved = sagemaker.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
        assert approved["ModelApprovalStatus"] == "Approved"
        assert f"terraform -chdir=terraform/envs/prod apply -var model_version={version}" in out
        assert "aws s3 cp" not in out  # the artifact is already where the endpoint loads it


def test_sagemaker_register_needs_the_bucket_and_image(tmp_path: Path, trained: ArtifactPaths) -> None:
    folder, _ = challenge_dir(tmp_path, trained)
    assert main(["register", "--challenge", str(folder), "--sagemaker"]) == EXIT_BAD_INPUT
