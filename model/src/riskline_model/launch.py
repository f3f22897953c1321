"""Run the training entry point as a real SageMaker training job and register the model it makes.

Runs in the sagemaker SDK's own environment (`.venv-sagemaker`, SDK 3.x), which does not have
riskline installed: this module imports only the standard library, boto3 and the SDK, and ships
the package sources into the job itself.

    PYTHONPATH=model/src .venv-sagemaker/bin/python -m riskline_model.launch train \\
        --role arn:aws:iam::123456789012:role/riskline-training \\
        --image <python 3.11 training image URI> --train s3://bucket/labeled/ \\
        --output-path s3://bucket/models/ --register-group riskline-risk --serving-image <serving image URI>

    ... -m riskline_model.launch register --group riskline-risk \\
        --model-data s3://bucket/models/<job>/output/model.tar.gz --serving-image <serving image URI>

`train --dry-run` builds and validates the whole job request (uploading the sources) without
submitting it, and prints it as JSON.
"""

import argparse
import io
import json
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
SERVING_CONTENT_TYPES = ["application/json", "application/jsonlines"]
DEFAULT_INSTANCE_TYPE = "ml.m5.large"
ENTRY_COMMAND = "python -m riskline_model.train"


def stage_sources(dest: Path, repo: Path = REPO) -> Path:
    """Copy the two packages the job imports, and the pinned requirements, into a source dir."""
    shutil.copytree(repo / "model/src/riskline_model", dest / "riskline_model", ignore=_ignore)
    shutil.copytree(repo / "shared/src/riskline_schema", dest / "riskline_schema", ignore=_ignore)
    shutil.copy(repo / "model/requirements-training.txt", dest / "requirements.txt")
    return dest


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith(".pyc")}


def parse_hyperparameters(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit(f"--hp wants NAME=VALUE, got {item!r}")
        out[name] = value
    return out


def build_trainer(args: argparse.Namespace, source_dir: Path):
    """The ModelTrainer for one job: our entry point, our channels, our hyperparameters."""
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.training.configs import Compute, InputData, OutputDataConfig, SourceCode, StoppingCondition
    from sagemaker.train.model_trainer import ModelTrainer

    channels = [InputData(channel_name="train", data_source=args.train)]
    if args.validation:
        channels.append(InputData(channel_name="validation", data_source=args.validation))
    if args.test:
        channels.append(InputData(channel_name="test", data_source=args.test))
    trainer = ModelTrainer(
        sagemaker_session=Session(default_bucket=args.bucket) if args.bucket else None,
        role=args.role,
        training_image=args.image,
        base_job_name=args.job_name,
        source_code=SourceCode(
            source_dir=str(source_dir),
            requirements="requirements.txt",
            command=ENTRY_COMMAND,
        ),
        compute=Compute(instance_type=args.instance_type, instance_count=1, volume_size_in_gb=30),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=args.max_runtime),
        output_data_config=OutputDataConfig(s3_output_path=args.output_path),
        hyperparameters=parse_hyperparameters(args.hp),
        input_data_config=channels,
    )
    return trainer


def pipeline_containers(serving_image: str, model_data: str) -> list[dict[str, Any]]:
    """The serving image twice, as the inference pipeline's two stages, on the same artifact."""
    return [
        {
            "Image": serving_image,
            "ModelDataUrl": model_data,
            "Environment": {"RISKLINE_STAGE": "preprocess", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"},
        },
        {"Image": serving_image, "ModelDataUrl": model_data, "Environment": {"RISKLINE_STAGE": "xgboost"}},
    ]


def read_artifact_metadata(s3: Any, model_data: str) -> dict[str, Any]:
    """metadata.json from inside a model.tar.gz on S3 (model_version, data hash, metrics)."""
    bucket, _, key = model_data.removeprefix("s3://").partition("/")
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        member = tar.extractfile("metadata.json")
        if member is None:
            raise ValueError(f"{model_data} has no metadata.json")
        return json.loads(member.read())


def register(
    sagemaker: Any,
    s3: Any,
    group: str,
    model_data: str,
    serving_image: str,
    approval: str = "PendingManualApproval",
    instance_types: tuple[str, ...] = ("ml.c6i.large", "ml.c6i.xlarge", "ml.m5.large"),
) -> dict[str, Any]:
    """Register the artifact as a new version in a model package group (created if missing)."""
    metadata = read_artifact_metadata(s3, model_data)
    try:
        sagemaker.describe_model_package_group(ModelPackageGroupName=group)
    except sagemaker.exceptions.ClientError as exc:
        if "does not exist" not in str(exc) and exc.response["Error"]["Code"] != "ValidationException":
            raise
        sagemaker.create_model_package_group(
            ModelPackageGroupName=group, ModelPackageGroupDescription="riskline risk-tier models (auditor mimic)"
        )
    metrics = metadata.get("metrics", {})
    response = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelPackageDescription=metadata["model_version"],
        ModelApprovalStatus=approval,
        InferenceSpecification={
            "Containers": pipeline_containers(serving_image, model_data),
            "SupportedContentTypes": SERVING_CONTENT_TYPES,
            "SupportedResponseMIMETypes": SERVING_CONTENT_TYPES,
            "SupportedRealtimeInferenceInstanceTypes": list(instance_types),
            "SupportedTransformInstanceTypes": list(instance_types),
        },
        CustomerMetadataProperties={
            "model_version": metadata["model_version"],
            "training_data_sha256": metadata["training_data_sha256"],
            **{f"metric_{k}": f"{v:.6f}" for k, v in metrics.items() if isinstance(v, float)},
        },
    )
    return {"model_package_arn": response["ModelPackageArn"], "model_version": metadata["model_version"]}


def _request_summary(trainer: Any) -> dict[str, Any]:
    request = trainer._create_training_job_args(input_data_config=trainer.input_data_config)
    return json.loads(json.dumps(request, default=lambda o: o.model_dump() if hasattr(o, "model_dump") else str(o)))


def cmd_train(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        trainer = build_trainer(args, stage_sources(Path(tmp) / "source"))
        if args.dry_run:
            trainer.train(wait=False, logs=False, dry_run=True)
            print(json.dumps(_request_summary(trainer), indent=2, sort_keys=True))
            return 0
        trainer.train(wait=args.wait, logs=args.wait)
    job = trainer._latest_training_job
    print(f"training job: {job.training_job_name}")
    if not args.wait:
        return 0
    model_data = job.model_artifacts.s3_model_artifacts
    print(f"model artifact: {model_data}")
    if args.register_group:
        import boto3

        result = register(
            boto3.client("sagemaker"), boto3.client("s3"), args.register_group, model_data, args.serving_image
        )
        print(json.dumps(result))
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    import boto3

    result = register(
        boto3.client("sagemaker"), boto3.client("s3"), args.group, args.model_data, args.serving_image, args.approval
    )
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.launch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="run the training entry point as a SageMaker training job")
    train.add_argument("--role", required=True, help="execution role ARN for the job")
    train.add_argument("--image", required=True, help="training image URI (Python 3.11)")
    train.add_argument("--train", required=True, help="S3 URI (or local path, uploaded) of labeled files")
    train.add_argument("--validation")
    train.add_argument("--test")
    train.add_argument("--output-path", required=True, help="S3 URI for the job's model.tar.gz and output")
    train.add_argument("--bucket", help="SageMaker session default bucket (source upload)")
    train.add_argument("--job-name", default="riskline-train")
    train.add_argument("--instance-type", default=DEFAULT_INSTANCE_TYPE)
    train.add_argument("--max-runtime", type=int, default=3600)
    train.add_argument("--hp", action="append", default=[], metavar="NAME=VALUE")
    train.add_argument("--register-group", help="model package group to register the result in")
    train.add_argument("--serving-image", help="serving image URI (required with --register-group)")
    train.add_argument("--no-wait", dest="wait", action="store_false")
    train.add_argument("--dry-run", action="store_true", help="validate and print the job request; submit nothing")
    reg = sub.add_parser("register", help="register a trained model.tar.gz in a model package group")
    reg.add_argument("--group", required=True)
    reg.add_argument("--model-data", required=True, help="S3 URI of model.tar.gz")
    reg.add_argument("--serving-image", required=True)
    reg.add_argument("--approval", default="PendingManualApproval", choices=["PendingManualApproval", "Approved"])
    args = parser.parse_args(argv)
    if args.command == "train":
        if args.register_group and not args.serving_image:
            parser.error("--register-group needs --serving-image")
        return cmd_train(args)
    return cmd_register(args)


if __name__ == "__main__":
    sys.exit(main())
