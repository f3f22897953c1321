"""The local Lambda service: resolves function names (ARNs, aliases, qualifiers) against the functions
Terraform created in moto, and runs invocations in each function's pool of environments."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lambda_env import unpack_code
from .lambda_pool import FunctionPool, FunctionSpec, InvokeResult

log = logging.getLogger("riskline.lambda")

ASYNC_RETRIES = 2  # Lambda retries a failed asynchronous invocation twice


class FunctionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Target:
    name: str
    qualifier: str | None
    executed_version: str
    arn: str


def split_function_name(function_name: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """`name`, `name:alias`, `123456789012:function:name[:alias]` or a full ARN → (name, qualifier)."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        name, rest = parts[6], parts[7:]
    elif len(parts) >= 3 and parts[1] == "function":
        name, rest = parts[2], parts[3:]
    else:
        name, rest = parts[0], parts[1:]
    return name, qualifier or (rest[0] if rest else None)


# Hook to decide, per invocation, whether the environment crashes before running it (fault injection).
CrashHook = Callable[[str, Any], bool]


class LambdaRuntime:
    def __init__(
        self,
        lambda_client: Any,
        *,
        endpoints: Mapping[str, str],
        dist_dir: Path | None,
        work_dir: Path,
        log_dir: Path,
        max_workers: Mapping[str, int] | None = None,
        default_max_workers: int = 2,
    ) -> None:
        self._client = lambda_client
        self._endpoints = dict(endpoints)
        self._work_dir = work_dir
        self._log_dir = log_dir
        self._max_workers = dict(max_workers or {})
        self._default_max = default_max_workers
        self._zips = _zips_by_sha(dist_dir)
        self._pools: dict[str, FunctionPool] = {}
        self._targets: dict[tuple[str, str | None], Target] = {}
        self._lock = threading.Lock()
        self._async: queue.Queue[tuple[Target, bytes] | None] = queue.Queue()
        self._async_threads = [
            threading.Thread(target=self._async_loop, name=f"lambda-async-{i}", daemon=True) for i in range(2)
        ]
        for thread in self._async_threads:
            thread.start()
        self.crash_hook: CrashHook | None = None

    # -- resolution ------------------------------------------------------------------------------

    def resolve(self, function_name: str, qualifier: str | None = None) -> Target:
        name, qualifier = split_function_name(function_name, qualifier)
        key = (name, qualifier)
        with self._lock:
            if key in self._targets:
                return self._targets[key]
        try:
            config = self._client.get_function_configuration(FunctionName=name)
            version = "$LATEST"
            if qualifier and qualifier != "$LATEST":
                if qualifier.isdigit():
                    version = qualifier
                else:
                    version = self._client.get_alias(FunctionName=name, Name=qualifier)["FunctionVersion"]
        except self._client.exceptions.ResourceNotFoundException as exc:
            raise FunctionNotFound(f"Function not found: {function_name}") from exc
        arn = f"{config['FunctionArn'].split(':function:')[0]}:function:{name}"
        target = Target(name, qualifier, version, f"{arn}:{qualifier}" if qualifier else arn)
        with self._lock:
            self._targets[key] = target
            if name not in self._pools:
                self._pools[name] = self._new_pool(config)
        return target

    def _new_pool(self, config: Mapping[str, Any]) -> FunctionPool:
        spec = FunctionSpec.from_configuration(config)
        code_dir = None
        zip_path = self._zips.get(spec.code_sha256)
        if zip_path is not None:
            code_dir = unpack_code(zip_path, self._work_dir / "code", spec.code_sha256)
            if code_dir is None:
                log.warning("%s does not match the deployed CodeSha256; not running it", zip_path)
        else:
            log.warning("%s: no zip in dist/ matches its CodeSha256; running from the installed packages", spec.name)
        return FunctionPool(
            spec,
            endpoints=self._endpoints,
            code_dir=code_dir,
            log_path=self._log_dir / f"lambda-{spec.name}.log",
            max_workers=self._max_workers.get(spec.name, self._default_max),
        )

    def pool(self, function_name: str) -> FunctionPool:
        target = self.resolve(function_name)
        return self._pools[target.name]

    def pools(self) -> dict[str, FunctionPool]:
        with self._lock:
            return dict(self._pools)

    # -- invocation ------------------------------------------------------------------------------

    def invoke(self, target: Target, payload: bytes | str | Any) -> InvokeResult:
        pool = self._pools[target.name]
        event = payload.decode() if isinstance(payload, bytes) else payload
        crash = False
        if self.crash_hook is not None:
            try:
                crash = self.crash_hook(target.name, json.loads(event) if isinstance(event, str) else event)
            except ValueError:
                crash = False
        return pool.invoke(event, invoked_arn=target.arn, crash=crash)

    def invoke_async(self, target: Target, payload: bytes) -> None:
        self._async.put((target, payload))

    def _async_loop(self) -> None:
        while True:
            item = self._async.get()
            if item is None:
                return
            target, payload = item
            for attempt in range(1 + ASYNC_RETRIES):
                try:
                    result = self.invoke(target, payload)
                except Exception:
                    log.exception("async invoke of %s failed", target.name)
                    result = None
                if result is not None and result.function_error is None:
                    break
                log.warning("async invoke of %s failed (attempt %d)", target.name, attempt + 1)
            self._async.task_done()

    def async_idle(self) -> bool:
        return self._async.unfinished_tasks == 0

    def close(self) -> None:
        for _ in self._async_threads:
            self._async.put(None)
        for pool in self.pools().values():
            pool.close()


def _zips_by_sha(dist_dir: Path | None) -> dict[str, Path]:
    if dist_dir is None or not dist_dir.is_dir():
        return {}
    out = {}
    for path in sorted(dist_dir.glob("*.zip")):
        out[base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()] = path
    return out
