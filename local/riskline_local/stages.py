"""The serving image's entry point run as the inference pipeline's containers, one process each.

The containers, their order and their environment come from the SageMaker model Terraform created
(endpoint → endpoint config → model → containers); only what SageMaker itself supplies is added:
the port (`SAGEMAKER_BIND_TO_PORT`) and the unpacked model directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .procs import LOOPBACK, Child, free_port, port_open


@dataclass
class StageSpec:
    name: str  # the container's hostname, else the stage role
    environment: dict[str, str]
    model_dir: Path


@dataclass
class StageProcess:
    spec: StageSpec
    log_dir: Path
    base_env: Mapping[str, str]
    port: int = field(default_factory=free_port)
    child: Child | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = {**self.base_env, **self.spec.environment}
        env["SAGEMAKER_BIND_TO_PORT"] = str(self.port)
        env["RISKLINE_MODEL_DIR"] = str(self.spec.model_dir)
        self.child = Child(
            f"stage-{self.spec.name}",
            [sys.executable, "-m", "riskline_model.serving", "serve"],
            env=env,
            log_path=self.log_dir / f"stage-{self.spec.name}.log",
        ).start()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        assert self.child is not None

        def ready() -> bool:
            return port_open(self.port) and httpx.get(f"{self.url}/ping", timeout=2).status_code == 200

        self.child.wait_ready(ready, timeout=timeout, what=f"stage {self.spec.name} /ping")

    def kill(self) -> None:
        if self.child:
            self.child.kill()

    def stop(self) -> None:
        if self.child:
            self.child.stop(grace=5)

    def alive(self) -> bool:
        return self.child is not None and self.child.alive()


class StageSupervisor:
    """Starts the pipeline's stages in order; kills and restarts one on request (faults)."""

    def __init__(self, specs: list[StageSpec], *, log_dir: Path) -> None:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAGEMAKER_", "RISKLINE_"))}
        self.stages = [StageProcess(spec, log_dir, base_env) for spec in specs]

    def start(self) -> None:
        for stage in self.stages:
            stage.start()

    def stage(self, name: str) -> StageProcess:
        for stage in self.stages:
            if stage.spec.name == name:
                return stage
        raise KeyError(name)

    def kill(self, name: str) -> None:
        self.stage(name).kill()

    def restart(self, name: str) -> None:
        stage = self.stage(name)
        stage.stop()
        stage.start()

    def stop(self) -> None:
        for stage in self.stages:
            stage.stop()
