"""The SageMaker launch script, run in the SDK's own venv against a local moto server: no AWS calls."""

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import boto3
import pytest

from riskline_local.emulator.procs import free_port
from riskline_model import launch

ROOT = Path(__file__).resolve().parents[2]
SDK_PYTHON = ROOT / ".venv-sagemaker/bin/python"
ROLE = "arn:aws:iam::123456789012:role/riskline-training"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/riskline-train:1"
SERVING_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/riskline-serving:1"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    s3 = boto3.client("s3", endpoint_url=url)
    while True:
        try:
            s3.list_buckets()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)  # polling interval while the server starts
    s3.create_bucket(Bucket="riskline-ml")
    yield url
    proc.terminate()
    proc.wait(30)


def _sdk(moto_url, *args):
    if not SDK_PYTHON.exists():
        pytest.skip("the sagemaker SDK venv is missing: `make .venv-sagemaker/.installed` (make test builds it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "PYTHON", "VIRTUAL_ENV"))}
    env.update(
        AWS_ENDPOINT_URL=moto_url,
        PYTHONPATH=str(ROOT / "model/src"),
        SAGEMAKER_VALIDATE_ROLE="false",  # IAM policy simulation is not something moto answers
    )
    return subprocess.run(
        [str(SDK_PYTHON), "-m", "riskline_model.launch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_dry_run_builds_a_training_job_that_runs_our_entry_point(moto_url):
    result = _sdk(
        moto_url, "train", "--role", ROLE, "--image", IMAGE, "--train", "s3://riskline-ml/labeled/train/",
        "--validation", "s3://riskline-ml/labeled/validation/", "--output-path", "s3://riskline-ml/models/",
        "--bucket", "riskline-ml", "--hp", "num_round=50", "--hp", "max_depth=5", "--dry-run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    request = json.loads(result.stdout)
    assert request["role_arn"] == ROLE
    assert request["algorithm_specification"]["training_image"] == IMAGE
    assert request["resource_config"]["instance_type"] == launch.DEFAULT_INSTANCE_TYPE
    assert request["output_data_config"]["s3_output_path"] == "s3://riskline-ml/models/"
    assert {"num_round", "max_depth"} <= set(request["hyper_parameters"])
    channels = {c["channel_name"]: c["data_source"]["s3_data_source"]["s3_uri"] for c in request["input_data_config"]}
    assert channels["train"] == "s3://riskline-ml/labeled/train/"
    assert channels["validation"] == "s3://riskline-ml/labeled/validation/"
    # The job's code channel carries both packages and the pinned requirements, uploaded to (fake) S3.
    prefix = channels["code"].removeprefix("s3://riskline-ml/")
    keys = {o["Key"] for o in boto3.client("s3", endpoint_url=moto_url).list_objects_v2(
        Bucket="riskline-ml", Prefix=prefix)["Contents"]}  # fmt: skip
    for name in ("requirements.txt", "riskline_model/train.py", "riskline_schema/application.py"):
        assert f"{prefix}/{name}" in keys
    assert launch.ENTRY_COMMAND == "python -m riskline_model.train"


def test_train_submits_the_job_to_the_sagemaker_api(moto_url):
    result = _sdk(
        moto_url, "train", "--role", ROLE, "--image", IMAGE, "--train", "s3://riskline-ml/labeled/train/",
        "--output-path", "s3://riskline-ml/models/", "--bucket", "riskline-ml", "--job-name", "riskline-submit",
        "--hp", "eta=0.2", "--no-wait",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    name = result.stdout.split("training job: ", 1)[1].split()[0]
    job = boto3.client("sagemaker", endpoint_url=moto_url).describe_training_job(TrainingJobName=name)
    assert name.startswith("riskline-submit")
    assert job["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    assert job["RoleArn"] == ROLE
    assert "eta" in job["HyperParameters"]


def test_register_puts_both_pipeline_stages_in_a_model_package(moto_url, trained):
    s3 = boto3.client("s3", endpoint_url=moto_url)
    s3.upload_file(str(trained.tarball), "riskline-ml", "models/job-1/output/model.tar.gz")
    uri = "s3://riskline-ml/models/job-1/output/model.tar.gz"
    result = _sdk(
        moto_url, "register", "--group", "riskline-risk", "--model-data", uri, "--serving-image", SERVING_IMAGE
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with tarfile.open(trained.tarball) as tar:
        version = json.load(tar.extractfile("metadata.json"))["model_version"]
    assert json.loads(result.stdout)["model_version"] == version

    sm = boto3.client("sagemaker", endpoint_url=moto_url)
    [summary] = sm.list_model_packages(ModelPackageGroupName="riskline-risk")["ModelPackageSummaryList"]
    package = sm.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["CustomerMetadataProperties"]["model_version"] == version
    stages = [c["Environment"]["RISKLINE_STAGE"] for c in package["InferenceSpecification"]["Containers"]]
    assert stages == ["preprocess", "xgboost"]
    first = package["InferenceSpecification"]["Containers"][0]
    assert first["Environment"]["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"] == "text/csv"
    assert first["ModelDataUrl"] == uri and first["Image"] == SERVING_IMAGE


def test_hyperparameter_flags_must_be_name_value_pairs():
    assert launch.parse_hyperparameters(["eta=0.2", "num_round=9"]) == {"eta": "0.2", "num_round": "9"}
    with pytest.raises(SystemExit, match="NAME=VALUE"):
        launch.parse_hyperparameters(["eta"])


def test_staged_sources_hold_the_packages_and_the_training_pins(tmp_path):
    source = launch.stage_sources(tmp_path / "src")
    assert (source / "riskline_model/train.py").is_file() and (source / "riskline_schema/__init__.py").is_file()
    assert "xgboost-cpu==" in (source / "requirements.txt").read_text()
    assert not list(source.rglob("__pycache__"))
