"""Run the stages as real processes on loopback and chain them the way a SageMaker pipeline does.

Used by the tests, the benchmark and anything else that wants the real serving entry point
without a container: each stage is `python -m riskline_model.serving serve` in its own process.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StageProcess:
    """One stage's server process."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, deadline_s: float = 60.0) -> None:
        """Poll GET /ping until it answers 200 (or the process dies, or the deadline passes)."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stage exited with {self.process.returncode}: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.02)  # polling interval while the server starts, not a wait for an outcome
        raise TimeoutError(f"{self.name} stage did not answer /ping within {deadline_s} s: {self.log_tail()}")

    def log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text()[-2000:]
        return ""

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM, then wait for a graceful exit (SIGKILL only past the timeout); returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_stage(
    stage: str,
    model_dir: Path,
    port: int | None = None,
    workers: int = 1,
    log_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> StageProcess:
    """Start one stage on 127.0.0.1 exactly as the image's entry point would (env-configured)."""
    port = port or free_port()
    env = dict(os.environ)
    env.update(
        RISKLINE_STAGE=stage,
        RISKLINE_MODEL_DIR=str(Path(model_dir).resolve()),
        SAGEMAKER_BIND_TO_PORT=str(port),
        SAGEMAKER_MODEL_SERVER_WORKERS=str(workers),
        RISKLINE_BIND_HOST="127.0.0.1",
        RISKLINE_LOG_LEVEL="warning",
    )
    if stage == "preprocess":
        env.setdefault("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/csv")
    env.update(extra_env or {})
    log_path = (log_dir / f"{stage}-{port}.log") if log_dir else None
    out = log_path.open("wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        list(command or [sys.executable, "-m", "riskline_model.serving", "serve"]),
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    return StageProcess(stage, port, process, log_path)


@dataclass
class PipelineClient:
    """Calls the stages in sequence like SageMaker: each answer, with its content type, feeds the next.

    The caller's Accept goes only to the last stage; earlier stages answer in their default type.
    Connections are kept alive and reused (one per stage).
    """

    ports: Sequence[int]
    timeout_s: float = 30.0
    _conns: list[http.client.HTTPConnection] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=self.timeout_s) for p in self.ports]

    def invoke(self, body: bytes, content_type: str, accept: str = "application/json") -> tuple[int, str, bytes]:
        """Returns (status, content type, body) of the last stage, or of the first stage that failed."""
        ctype = content_type
        for i, conn in enumerate(self._conns):
            headers = {"Content-Type": ctype}
            if i == len(self._conns) - 1:
                headers["Accept"] = accept
            status, ctype, body = self._post(conn, body, headers)
            if status != 200:
                return status, ctype, body
        return status, ctype, body

    @staticmethod
    def _post(conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        for attempt in (1, 2):
            try:
                conn.request("POST", "/invocations", body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.getheader("Content-Type", ""), resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        for conn in self._conns:
            conn.close()
