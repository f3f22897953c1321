"""The one stage runner: the serving image's entry point as the inference pipeline's containers, one
process each, on loopback.

The local stack takes the containers, their order and their environment from the SageMaker model
Terraform created (endpoint → endpoint config → model → containers) and adds only what SageMaker
itself supplies: the port (`SAGEMAKER_BIND_TO_PORT`) and the unpacked model directory (plus the
loopback interface). `start_stage` starts one stage by role, as the serving tests and the serving
benchmark want it.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .procs import LOOPBACK, Child, free_port, port_open

ENTRY_POINT = (sys.executable, "-m", "riskline_model.serving", "serve")


def stage_base_env() -> dict[str, str]:
    """This process's environment without what a container's own configuration decides."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAGEMAKER_", "RISKLINE_"))}


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
    command: Sequence[str] = ENTRY_POINT
    child: Child | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self.child is not None and self.child.proc is not None, "stage not started"
        return self.child.proc

    def launch(self) -> StageProcess:
        """Start the process and return at once (`wait_ready` waits for /ping)."""
        env = {**self.base_env, **self.spec.environment}
        env["SAGEMAKER_BIND_TO_PORT"] = str(self.port)
        env["RISKLINE_MODEL_DIR"] = str(Path(self.spec.model_dir).resolve())
        env["RISKLINE_BIND_HOST"] = LOOPBACK  # servers here listen on loopback only
        self.child = Child(
            f"stage-{self.spec.name}",
            list(self.command),
            env=env,
            log_path=self.log_dir / f"stage-{self.spec.name}-{self.port}.log",
        ).start()
        return self

    def start(self, timeout: float = 60.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until GET /ping answers 200; `ChildExited` with the stage's own reason if it dies first."""
        assert self.child is not None, "stage not started"
        self.child.wait_ready(self._pings, timeout=timeout, what=f"stage {self.spec.name} /ping")

    def _pings(self) -> bool:
        if not port_open(self.port):
            return False
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2)
        try:
            conn.request("GET", "/ping")
            return conn.getresponse().status == 200
        finally:
            conn.close()

    def kill(self) -> None:
        if self.child:
            self.child.kill()

    def stop(self, grace: float = 30.0) -> int | None:
        """SIGTERM, SIGKILL after `grace` seconds (as SageMaker does); the exit status."""
        return self.child.stop(grace=grace) if self.child else None

    def alive(self) -> bool:
        return self.child is not None and self.child.alive()

    def log_tail(self, lines: int = 30) -> str:
        return self.child.log_tail(lines) if self.child else ""


def start_stage(
    stage: str,
    model_dir: Path,
    *,
    log_dir: Path,
    port: int | None = None,
    workers: int = 1,
    extra_env: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> StageProcess:
    """Launch one stage by role (`RISKLINE_STAGE`) with the settings its pipeline position needs.

    Returns once the process is started; call `wait_ready()` before sending requests.
    """
    environment = {
        "RISKLINE_STAGE": stage,
        "SAGEMAKER_MODEL_SERVER_WORKERS": str(workers),
        "RISKLINE_LOG_LEVEL": "warning",
    }
    if stage == "preprocess":  # the client's Accept never reaches a pipeline's first container
        environment["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"] = "text/csv"
    environment.update(extra_env or {})
    process = StageProcess(
        StageSpec(stage, environment, Path(model_dir)),
        log_dir=log_dir,
        base_env=stage_base_env(),
        port=port or free_port(),
        command=tuple(command or ENTRY_POINT),
    )
    return process.launch()


class StageSupervisor:
    """Starts the pipeline's stages in order; kills and restarts one on request (faults)."""

    def __init__(self, specs: list[StageSpec], *, log_dir: Path) -> None:
        base_env = stage_base_env()
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
        stage.stop(grace=5)
        stage.start()

    def stop(self) -> None:
        for stage in self.stages:
            stage.stop(grace=5)
