"""Execution environments for one function: a pool of worker processes, each with the function's own environment.

The function's handler, environment, timeout and memory come from the Lambda configuration Terraform
created in moto (`get_function_configuration`); the runtime adds only what Lambda itself sets
(`AWS_LAMBDA_*`, `_HANDLER`, `LAMBDA_TASK_ROOT`, role credentials, `TZ`) and points boto3 at the local
endpoints through `AWS_ENDPOINT_URL*`. Code runs from the deployed zip, unpacked once, when its
SHA-256 matches the function's `CodeSha256`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .lambda_env import LAMBDA_PATH, lambda_environment

log = logging.getLogger("riskline.lambda")

WORKER_SCRIPT = Path(__file__).with_name("lambda_worker.py")
INIT_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    arn: str
    handler: str
    environment: dict[str, str]
    timeout_s: int
    memory_mb: int
    code_sha256: str
    version: str = "$LATEST"

    @classmethod
    def from_configuration(cls, config: Mapping[str, Any]) -> FunctionSpec:
        return cls(
            name=config["FunctionName"],
            arn=config["FunctionArn"].split(":function:")[0] + ":function:" + config["FunctionName"],
            handler=config["Handler"],
            environment=dict((config.get("Environment") or {}).get("Variables") or {}),
            timeout_s=int(config.get("Timeout") or 3),
            memory_mb=int(config.get("MemorySize") or 128),
            code_sha256=config.get("CodeSha256", ""),
            version=config.get("Version", "$LATEST"),
        )


@dataclass
class InvokeResult:
    payload: bytes
    function_error: str | None = None  # "Unhandled" when the handler raised, crashed or timed out
    duration_ms: float = 0.0
    cold_start: bool = False


class _Worker:
    def __init__(self, proc: subprocess.Popen[bytes], conn: Connection) -> None:
        self.proc = proc
        self.conn = conn

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait()
        self.conn.close()


class FunctionPool:
    """Up to `max_workers` warm environments; a new one starts (cold) only when all are busy."""

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        endpoints: Mapping[str, str],
        code_dir: Path | None,
        log_path: Path,
        max_workers: int,
        region: str = "us-east-1",
    ) -> None:
        self.spec = spec
        self.log_path = log_path
        self.max_workers = max_workers
        self.env = self._environment(endpoints, code_dir, region)
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False
        self.invocations = 0
        self.errors = 0
        self.cold_starts = 0

    def _environment(self, endpoints: Mapping[str, str], code_dir: Path | None, region: str) -> dict[str, str]:
        return lambda_environment(
            self.spec.name,
            variables=self.spec.environment,
            overrides=endpoints,  # the only override: where boto3 sends each service
            handler=self.spec.handler,
            task_root=str(code_dir) if code_dir is not None else None,
            version=self.spec.version,
            memory_mb=self.spec.memory_mb,
            region=region,
            path=os.environ.get("PATH", LAMBDA_PATH),
        )

    # -- workers ---------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            proc = subprocess.Popen(
                [sys.executable, str(WORKER_SCRIPT), str(child_sock.fileno())],
                env=self.env,
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        child_sock.close()
        worker = _Worker(proc, Connection(parent_sock.detach()))
        if not worker.conn.poll(INIT_TIMEOUT_S):
            worker.kill()
            raise RuntimeError(f"{self.spec.name}: init did not finish within {INIT_TIMEOUT_S:.0f}s")
        try:
            hello = worker.conn.recv()
        except EOFError:
            worker.kill()
            raise RuntimeError(f"{self.spec.name}: runtime exited during init (see {self.log_path})") from None
        if "init_error" in hello:
            worker.kill()
            raise _InitError(hello["init_error"])
        self.cold_starts += 1
        return worker

    def _acquire(self) -> tuple[_Worker, bool]:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError(f"{self.spec.name}: runtime is shutting down")
                if self._idle:
                    return self._idle.pop(), False
                if self._count < self.max_workers:
                    self._count += 1
                    break
                self._cond.wait(1.0)
        try:
            return self._spawn(), True
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._closed:
                self._idle.append(worker)
            else:
                self._count -= 1
                worker.kill()
            self._cond.notify()

    def prewarm(self, count: int = 1) -> None:
        """Start `count` environments (in parallel; all held until every one is up, so they are distinct)."""
        from concurrent.futures import ThreadPoolExecutor

        wanted = min(count, self.max_workers)
        with ThreadPoolExecutor(max_workers=max(1, min(wanted, 4))) as pool:
            workers = list(pool.map(lambda _: self._acquire()[0], range(wanted)))
        for worker in workers:
            self._release(worker, True)

    def recycle(self) -> None:
        """Drop every idle environment (the next invocation starts cold, re-reading its configuration)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.kill()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    # -- invoke ----------------------------------------------------------------------------------

    def invoke(self, event: Any, *, invoked_arn: str | None = None, crash: bool = False) -> InvokeResult:
        """Run one invocation synchronously, as `RequestResponse` would."""
        request_id = str(uuid.uuid4())
        event_json = event if isinstance(event, str) else json.dumps(event)
        self.invocations += 1
        started = time.perf_counter()
        try:
            worker, cold = self._acquire()
        except _InitError as exc:
            self.errors += 1
            return InvokeResult(json.dumps(exc.error).encode(), "Unhandled", cold_start=True)
        deadline = time.time() + self.spec.timeout_s
        healthy = False
        try:
            worker.conn.send(
                {
                    "request_id": request_id,
                    "event_json": event_json,
                    "deadline_epoch_ms": int(deadline * 1000),
                    "invoked_arn": invoked_arn or self.spec.arn,
                    "trace_id": _trace_id(),
                    "crash": crash,
                }
            )
            if not worker.conn.poll(self.spec.timeout_s):
                message = f"{request_id} Task timed out after {self.spec.timeout_s:.2f} seconds"
                self.errors += 1
                return _failure(message, "Sandbox.Timedout", started, cold)
            answer = worker.conn.recv()
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            self.errors += 1
            return _failure(
                f"RequestId: {request_id} Error: Runtime exited with error: signal: killed",
                "Runtime.ExitError",
                started,
                cold,
            )
        finally:
            self._release(worker, healthy)
        duration = (time.perf_counter() - started) * 1000
        if "error" in answer:
            self.errors += 1
            return InvokeResult(json.dumps(answer["error"]).encode(), "Unhandled", duration, cold)
        return InvokeResult(answer["payload"].encode(), None, duration, cold)


class _InitError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("errorMessage"))
        self.error = error


def _failure(message: str, kind: str, started: float, cold: bool) -> InvokeResult:
    payload = json.dumps({"errorMessage": message, "errorType": kind})
    return InvokeResult(payload.encode(), "Unhandled", (time.perf_counter() - started) * 1000, cold)


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"
