"""The whole local stack, started in order and stopped in reverse: moto, `terraform apply`, the pipeline's
stages behind the SageMaker front, the Lambda runtime with its fronts and pollers.

Every name comes from `terraform output -json` or from what Terraform created in moto (function
configurations, API resources, event source mappings, the endpoint's model). `LocalStack` is a
context manager: whatever started is stopped, even when start-up fails half-way.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tarfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from .apigw import ApiGatewayFront, load_api_keys, load_routes
from .lambda_api import LambdaInvokeFront
from .lambda_runtime import LambdaRuntime
from .procs import LOOPBACK, Child, free_port, port_open
from .sagemaker_front import SageMakerFront
from .schedule_runner import ScheduleRunner
from .schedule_runner import discover as discover_schedules
from .signin import LocalSignIn
from .signin import discover as discover_signins
from .sqs_poller import SqsPoller
from .stages import StageSpec, StageSupervisor
from .stream_poller import StreamPoller
from .terraform import EnvironmentRoot, LocalOutputs
from .workbench import WorkbenchSite

log = logging.getLogger("riskline.stack")

ROOT = Path(__file__).resolve().parents[3]
REGION = "us-east-1"
_API_URL = re.compile(r"^https?://([A-Za-z0-9]+)\.execute-api\.[^/]+/([^/?#]+)")


@dataclass
class StackOptions:
    work_dir: Path = ROOT / "build" / "local"
    dist_dir: Path = ROOT / "dist"
    model_tarball: Path = ROOT / "build" / "model" / "model.tar.gz"
    terraform_root: Path = ROOT / "terraform" / "envs" / "local"
    concurrency: int = 4  # environments per request-path function (API, etl sync)
    sqs_retry_base_s: int = 5  # a failed scoring message is retried after 5, 10, 20, 40 s
    destroy_on_exit: bool = True
    progress: Callable[[str], None] = field(default=lambda message: print(message, flush=True))


def _client(service: str, endpoint: str, **config: Any) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**{"retries": {"max_attempts": 3, "mode": "standard"}, "max_pool_connections": 32, **config}),
    )


class LocalStack:
    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.work_dir = self.options.work_dir
        self.log_dir = self.work_dir / "logs"
        self.moto_port = free_port()
        self.lambda_port = free_port()
        self.moto_url = f"http://{LOOPBACK}:{self.moto_port}"
        self.outputs: LocalOutputs | None = None
        self.runtime: LambdaRuntime | None = None
        self.api: ApiGatewayFront | None = None
        self.signins: dict[str, LocalSignIn] = {}
        self.workbench: WorkbenchSite | None = None
        self.lambda_front: LambdaInvokeFront | None = None
        self.sagemaker: SageMakerFront | None = None
        self.stages: StageSupervisor | None = None
        self.stream_poller: StreamPoller | None = None
        self.sqs_poller: SqsPoller | None = None
        self.schedules: ScheduleRunner | None = None
        self.warehouse_path = self.work_dir / "warehouse.duckdb"
        self._exit = ExitStack()  # the environment: moto and what Terraform created
        self._runtime_exit = ExitStack()  # the runtime on top of it: stages, fronts, Lambda runtime, pollers
        self._terraform: EnvironmentRoot | None = None
        self._tf_vars: dict[str, str] = {}

    # -- clients pointed at the local stack -------------------------------------------------------

    def client(self, service: str, **config: Any) -> Any:
        """A boto3 client for `service` aimed at moto, or at the local fronts for lambda / sagemaker-runtime."""
        if service == "lambda":
            assert self.lambda_front is not None
            return _client(service, self.lambda_front.url, **config)
        if service == "sagemaker-runtime":
            assert self.sagemaker is not None
            return _client(service, self.sagemaker.url, **config)
        return _client(service, self.moto_url, **config)

    @property
    def api_base_url(self) -> str:
        assert self.api is not None
        return self.api.base_url

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> LocalStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.start_environment()
        self.start_runtime()

    def start_environment(self) -> None:
        """moto, then `terraform apply` of the environment root: every name is known after this."""
        say = self.options.progress
        self.work_dir.mkdir(parents=True, exist_ok=True)
        for stale in (self.warehouse_path, self.warehouse_path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        self._terraform = EnvironmentRoot(
            self.options.terraform_root, state_dir=self.work_dir / "terraform", log_path=self.log_dir / "terraform.log"
        )
        self._start_moto()
        say(f"moto server on {self.moto_url}; terraform apply of {self._rel(self.options.terraform_root)} …")
        self._terraform.init(self.moto_url)
        (self.work_dir / "terraform" / "terraform.tfstate").unlink(missing_ok=True)
        self._tf_vars = {"warehouse_duckdb_path": str(self.warehouse_path)}
        self.outputs = self._terraform.apply(self.moto_url, self.options.dist_dir, self._tf_vars)
        if self.options.destroy_on_exit:
            self._exit.callback(self._destroy_quietly)
        functions, endpoint = len(self.outputs.function_names), self.outputs["endpoint_name"]
        say(f"terraform applied: {functions} functions, endpoint {endpoint}")

    def start_runtime(self, model_tarball: Path | None = None) -> None:
        """The endpoint's stages behind the SageMaker front, the Lambda runtime, its fronts and pollers."""
        try:
            self._start_endpoint(model_tarball or self.options.model_tarball)
            self._start_lambda()
        except BaseException:
            self.stop_runtime()
            raise
        self.options.progress(f"stack ready: API {self.api_base_url}")

    def stop_runtime(self) -> None:
        """Stops what `start_runtime` started; the environment stays applied (start the runtime again on it)."""
        self._runtime_exit.close()

    def stop(self) -> None:
        self._runtime_exit.close()
        self._exit.close()

    def destroy(self) -> None:
        """`terraform destroy` of the environment; `TerraformFailed` if it does not finish cleanly."""
        if self._terraform is not None:
            self._terraform.destroy(self.moto_url, self.options.dist_dir, self._tf_vars)

    def _rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(ROOT))
        except ValueError:
            return str(path)

    def _start_moto(self) -> None:
        child = Child(
            "moto",
            [
                sys.executable,
                "-m",
                "riskline_local.emulator.motoserver",
                "--port",
                str(self.moto_port),
                "--lambda-endpoint",
                f"http://{LOOPBACK}:{self.lambda_port}",
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT / "local")},
            log_path=self.log_dir / "moto.log",
        ).start()
        self._exit.callback(child.stop)
        child.wait_ready(lambda: port_open(self.moto_port), timeout=60, what="the moto server")

    def _destroy_quietly(self) -> None:
        try:
            self.destroy()
        except Exception as exc:  # moto goes away right after; a failed destroy loses nothing
            log.warning("terraform destroy failed: %s", exc)

    # -- the inference pipeline ------------------------------------------------------------------

    def _start_endpoint(self, model_tarball: Path) -> None:
        assert self.outputs is not None
        sagemaker = self.client("sagemaker")
        endpoint = sagemaker.describe_endpoint(EndpointName=self.outputs["endpoint_name"])
        config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
        variant = config["ProductionVariants"][0]
        model = sagemaker.describe_model(ModelName=variant["ModelName"])
        containers = model.get("Containers") or [model["PrimaryContainer"]]
        model_dir = self._model_dir(model_tarball, containers[0].get("ModelDataUrl"))
        specs = [
            StageSpec(
                name=c.get("ContainerHostname") or c.get("Environment", {}).get("RISKLINE_STAGE") or f"container-{i}",
                environment=dict(c.get("Environment") or {}),
                model_dir=model_dir,
            )
            for i, c in enumerate(containers, start=1)
        ]
        self.stages = StageSupervisor(specs, log_dir=self.log_dir)
        self._runtime_exit.callback(self.stages.stop)
        self.stages.start()
        self.sagemaker = SageMakerFront(self.outputs["endpoint_name"], variant["VariantName"], self.stages)
        self.sagemaker.start()
        self._runtime_exit.callback(self.sagemaker.stop)

    def _model_dir(self, tarball: Path, model_data_url: str | None) -> Path:
        """Publish the trained artifact where the endpoint's model points, then unpack it as SageMaker does."""
        if not tarball.exists():
            raise FileNotFoundError(f"{tarball} is missing: run `make train` first")
        if model_data_url and model_data_url.startswith("s3://"):
            bucket, _, key = model_data_url[len("s3://") :].partition("/")
            s3 = self.client("s3")
            try:
                s3.upload_file(str(tarball), bucket, key, ExtraArgs=sse_arguments(s3, bucket))
                tarball = self.work_dir / "model.tar.gz"
                s3.download_file(bucket, key, str(tarball))
            except Exception as exc:  # the endpoint still gets the same bytes, straight from the file
                log.warning("could not publish the model to %s (%s); serving %s directly", model_data_url, exc, tarball)
        target = self.work_dir / "opt-ml-model"
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")
        return target

    # -- the Lambda runtime ----------------------------------------------------------------------

    def _start_lambda(self) -> None:
        assert self.outputs is not None and self.sagemaker is not None
        names = self.outputs.function_names
        endpoints = {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ENDPOINT_URL_LAMBDA": f"http://{LOOPBACK}:{self.lambda_port}",
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": self.sagemaker.url,
        }
        request_path = {names[r]: self.options.concurrency for r in ("ingestion_api", "etl_sync") if r in names}
        self.runtime = LambdaRuntime(
            _client("lambda", self.moto_url),
            endpoints=endpoints,
            dist_dir=self.options.dist_dir,
            work_dir=self.work_dir,
            log_dir=self.log_dir,
            max_workers=request_path,
            default_max_workers=2,
        )
        self._runtime_exit.callback(self.runtime.close)
        self.lambda_front = LambdaInvokeFront(self.runtime, port=self.lambda_port)
        self.lambda_front.start()
        self._runtime_exit.callback(self.lambda_front.stop)

        match = _API_URL.match(self.outputs["api_url"])
        apigw = self.client("apigateway")
        if match:
            rest_api_id, stage = match.groups()
        else:  # one REST API in this account: take it and its only stage
            rest_api_id = apigw.get_rest_apis()["items"][0]["id"]
            stage = apigw.get_stages(restApiId=rest_api_id)["item"][0]["stageName"]
        routes = load_routes(apigw, rest_api_id)
        # The workbench routes' Cognito authorizer(s), each answered by a local sign-in (signin.py).
        user_pool_authorizers = {r.authorizer_id for r in routes if r.authorization == "COGNITO_USER_POOLS"}
        self.signins = discover_signins(
            apigw, self.client("cognito-idp"), rest_api_id, {a for a in user_pool_authorizers if a}, REGION
        )
        self.api = ApiGatewayFront(
            self.runtime,
            rest_api_id=rest_api_id,
            stage=stage,
            routes=routes,
            api_keys=load_api_keys(apigw, rest_api_id, stage),
            authorizers=dict(self.signins),
        )
        self.api.start()
        self._runtime_exit.callback(self.api.stop)
        if self.signins:
            self.workbench = WorkbenchSite(self.api, next(iter(self.signins.values())))
            self.workbench.start()
            self._runtime_exit.callback(self.workbench.stop)

        lam = _client("lambda", self.moto_url)
        ours = {names[role] for role in ("routing", "etl_queue")}
        mappings = [
            m
            for page in lam.get_paginator("list_event_source_mappings").paginate()
            for m in page["EventSourceMappings"]
            if m["FunctionArn"].split(":function:")[-1].split(":")[0] in ours
        ]
        for mapping in mappings:
            if ":dynamodb:" in mapping["EventSourceArn"]:
                self.stream_poller = StreamPoller(
                    streams_client=self.client("dynamodbstreams"),
                    sqs_client=self.client("sqs"),
                    runtime=self.runtime,
                    mapping=mapping,
                    region=REGION,
                )
            elif ":sqs:" in mapping["EventSourceArn"]:
                self.sqs_poller = SqsPoller(
                    sqs_client=self.client("sqs"),
                    runtime=self.runtime,
                    mapping=mapping,
                    region=REGION,
                    retry_base_s=self.options.sqs_retry_base_s,
                )
        if self.stream_poller is None or self.sqs_poller is None:
            raise RuntimeError("terraform created no event source mapping for the stream or the scoring queue")
        self._prewarm(
            [
                names[r]
                for r in (
                    "ingestion_api",
                    "ingestion_lex",
                    "ingestion_connect",
                    "etl_sync",
                    "routing",
                    "etl_queue",
                    "ingestion_mailroom",
                )
                if r in names
            ]
        )
        # EventBridge Scheduler's part: the warehouse loader's and the drift monitor's rate schedules.
        self.schedules = ScheduleRunner(schedules=discover_schedules(self.client("scheduler")), runtime=self.runtime)
        for poller in (self.stream_poller, self.sqs_poller, self.schedules):
            poller.start()
            self._runtime_exit.callback(poller.stop)

    def _prewarm(self, functions: list[str]) -> None:
        """Warm environments before traffic: as many as the request path may use, one for the others."""
        assert self.runtime is not None and self.outputs is not None
        runtime = self.runtime
        names = self.outputs.function_names
        request_path = {names.get("ingestion_api"), names.get("etl_sync")}
        counts = {name: self.options.concurrency if name in request_path else 1 for name in functions}
        with ThreadPoolExecutor(max_workers=len(counts)) as pool:
            list(pool.map(lambda item: runtime.pool(item[0]).prewarm(item[1]), counts.items()))

    # -- status ----------------------------------------------------------------------------------

    def pollers_idle(self) -> bool:
        assert self.stream_poller is not None and self.sqs_poller is not None and self.runtime is not None
        return self.stream_poller.idle() and self.sqs_poller.idle() and self.runtime.async_idle()

    def wait_forever(self) -> None:
        threading.Event().wait()


def sse_arguments(s3: Any, bucket: str) -> dict[str, str]:
    """Upload arguments naming the bucket's default KMS key, as a careful uploader sends them."""
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except Exception:
        return {}
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    if default.get("SSEAlgorithm") == "aws:kms" and default.get("KMSMasterKeyID"):
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": default["KMSMasterKeyID"]}
    return {}
