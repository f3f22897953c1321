"""The model registry: a promoted challenger becomes a package version awaiting manual approval.

Two stores with one shape. `LocalRegistry` (the local stack) keeps
`<root>/<group>/<version>/{model.tar.gz, metrics.json, verdict.json, package.json}`;
`SageMakerRegistry` (AWS) uploads the artifact where Terraform serves it from
(`s3://<lake bucket>/models/<model_version>/model.tar.gz`) with the gate's evidence beside it, and
creates a model package version in SageMaker Model Registry (`PendingManualApproval`, both
pipeline containers, the gate's figures as metadata). `approve` flips the status and names the
`terraform apply` that rolls the version out.
"""

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..launch import SERVING_CONTENT_TYPES, pipeline_containers

PENDING, APPROVED, REJECTED = "PendingManualApproval", "Approved", "Rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
PACKAGE = "package.json"


@dataclass(frozen=True)
class Package:
    group: str
    version: int
    model_version: str
    status: str
    location: str  # registry folder or model package ARN
    model_data: str  # where the artifact is

    def rollout_command(self, env: str = "<env>") -> str:
        return f"terraform -chdir=terraform/envs/{env} apply -var model_version={self.model_version}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")


class LocalRegistry:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _versions(self, group: str) -> list[int]:
        folder = self.root / group
        return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit()) if folder.is_dir() else []

    def register(
        self, group: str, tarball: Path, model_version: str, verdict: dict[str, Any], figures: dict[str, Any]
    ) -> Package:
        version = (self._versions(group) or [0])[-1] + 1
        folder = self.root / group / str(version)
        folder.mkdir(parents=True)
        shutil.copyfile(tarball, folder / "model.tar.gz")
        (folder / "metrics.json").write_text(json.dumps(figures, indent=2) + "\n")
        (folder / "verdict.json").write_text(json.dumps(verdict, indent=2) + "\n")
        package = Package(group, version, model_version, PENDING, str(folder), str(folder / "model.tar.gz"))
        (folder / PACKAGE).write_text(json.dumps({**asdict(package), "registered_at": _now()}, indent=2) + "\n")
        return package

    def get(self, group: str, version: int) -> Package:
        path = self.root / group / str(version) / PACKAGE
        if not path.is_file():
            raise FileNotFoundError(f"{group} version {version} is not in the registry at {self.root}")
        doc = json.loads(path.read_text())
        return Package(**{k: doc[k] for k in Package.__dataclass_fields__})

    def latest(self, group: str) -> Package:
        versions = self._versions(group)
        if not versions:
            raise FileNotFoundError(f"no versions of {group} in the registry at {self.root}")
        return self.get(group, versions[-1])

    def set_status(self, group: str, version: int, status: str, note: str = "") -> Package:
        _check_status(status)
        package = self.get(group, version)
        path = Path(package.location) / PACKAGE
        doc = json.loads(path.read_text())
        doc.update(status=status, status_changed_at=_now(), status_note=note)
        path.write_text(json.dumps(doc, indent=2) + "\n")
        return self.get(group, version)


class SageMakerRegistry:
    """SageMaker Model Registry through boto3 (`sagemaker` and `s3` clients)."""

    def __init__(self, sagemaker: Any, s3: Any, bucket: str, serving_image: str, models_prefix: str = "models") -> None:
        self.sagemaker, self.s3, self.bucket = sagemaker, s3, bucket
        self.serving_image, self.models_prefix = serving_image, models_prefix.strip("/")

    def _ensure_group(self, group: str) -> None:
        try:
            self.sagemaker.describe_model_package_group(ModelPackageGroupName=group)
        except self.sagemaker.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] not in ("ValidationException", "ResourceNotFound"):
                raise
            self.sagemaker.create_model_package_group(
                ModelPackageGroupName=group, ModelPackageGroupDescription="riskline risk-tier models (auditor mimic)"
            )

    def register(
        self, group: str, tarball: Path, model_version: str, verdict: dict[str, Any], figures: dict[str, Any]
    ) -> Package:
        base = f"{self.models_prefix}/{model_version}"
        self.s3.upload_file(str(tarball), self.bucket, f"{base}/model.tar.gz")
        for name, doc in (("verdict.json", verdict), ("metrics.json", figures)):
            self.s3.put_object(
                Bucket=self.bucket,
                Key=f"{base}/gate/{name}",
                Body=json.dumps(doc).encode(),
                ContentType="application/json",
            )
        model_data = f"s3://{self.bucket}/{base}/model.tar.gz"
        self._ensure_group(group)
        challenger = figures.get("challenger", {})
        metadata = {
            "model_version": model_version,
            "gate_decision": str(verdict.get("decision")),
            "champion_version": str(verdict.get("champion")),
            **{
                f"holdout_{k}": f"{challenger[k]:.6f}"
                for k in ("auc", "macro_f1", "log_loss", "calibration_error")
                if k in challenger
            },
        }
        response = self.sagemaker.create_model_package(
            ModelPackageGroupName=group,
            ModelPackageDescription=model_version,
            ModelApprovalStatus=PENDING,
            InferenceSpecification={
                "Containers": pipeline_containers(self.serving_image, model_data),
                "SupportedContentTypes": SERVING_CONTENT_TYPES,
                "SupportedResponseMIMETypes": SERVING_CONTENT_TYPES,
            },
            ModelMetrics={
                "ModelQuality": {
                    "Statistics": {
                        "ContentType": "application/json",
                        "S3Uri": f"s3://{self.bucket}/{base}/gate/metrics.json",
                    }
                }
            },
            CustomerMetadataProperties=metadata,
        )
        return self._package(response["ModelPackageArn"])

    def _package(self, arn: str) -> Package:
        doc = self.sagemaker.describe_model_package(ModelPackageName=arn)
        containers = doc["InferenceSpecification"]["Containers"]
        return Package(
            group=doc["ModelPackageGroupName"],
            version=int(doc["ModelPackageVersion"]),
            model_version=doc.get("CustomerMetadataProperties", {}).get(
                "model_version", doc.get("ModelPackageDescription", "")
            ),
            status=doc["ModelApprovalStatus"],
            location=arn,
            model_data=containers[0]["ModelDataUrl"],
        )

    def _arn(self, group: str, version: int) -> str:
        paginator = self.sagemaker.get_paginator("list_model_packages")
        for page in paginator.paginate(ModelPackageGroupName=group):
            for item in page["ModelPackageSummaryList"]:
                if int(item.get("ModelPackageVersion", 0)) == version:
                    return item["ModelPackageArn"]
        raise FileNotFoundError(f"{group} version {version} is not in SageMaker Model Registry")

    def get(self, group: str, version: int) -> Package:
        return self._package(self._arn(group, version))

    def set_status(self, group: str, version: int, status: str, note: str = "") -> Package:
        _check_status(status)
        arn = self._arn(group, version)
        self.sagemaker.update_model_package(
            ModelPackageArn=arn, ModelApprovalStatus=status, ApprovalDescription=note or f"{status} by the loop CLI"
        )
        return self._package(arn)
