"""Shared fixtures of the terraform checks: the binary, an offline provider mirror, initialised dirs,
and the moto apply of envs/local, started first so it overlaps the CPU-bound checks.

Every terraform command runs with its own TF_DATA_DIR under a temporary directory, and the moto
apply runs on a copy of terraform/, so the checks never touch the `.terraform/` or state of a
checkout someone is working in.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from riskline_local.terraform import EnvironmentRoot, Terraform, TerraformFailed, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"

MODULE_DIRS = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
ROOT_DIRS = [TERRAFORM / "stack", *sorted(p for p in (TERRAFORM / "envs").iterdir() if p.is_dir())]
ALL_DIRS = [*MODULE_DIRS, *ROOT_DIRS]


def rel(path: Path) -> str:
    return str(path.relative_to(TERRAFORM))


def _setup_terraform(home: Path) -> Terraform | str:
    """The project's terraform runner, or the reason the binary-based checks cannot run here."""
    reason = unavailable_reason()
    if reason is not None:
        return f"{reason}: fmt/validate/test/apply checks skipped (hcl2 and checkov checks still run)"
    return Terraform(home)


@pytest.fixture(scope="session")
def terraform_or_reason(tmp_path_factory: pytest.TempPathFactory) -> Terraform | str:
    return _setup_terraform(tmp_path_factory.mktemp("tf"))


@pytest.fixture(scope="session")
def terraform(terraform_or_reason: Terraform | str) -> Terraform:
    if isinstance(terraform_or_reason, str):
        pytest.skip(terraform_or_reason)
    return terraform_or_reason


@pytest.fixture(scope="session")
def initialised(terraform: Terraform) -> dict[Path, subprocess.CompletedProcess[str]]:
    """`terraform init -backend=false` of every module and root, in parallel."""

    def init(workdir: Path) -> subprocess.CompletedProcess[str]:
        return terraform.run(workdir, "init", "-backend=false", "-input=false", "-no-color", timeout=300)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ALL_DIRS, pool.map(init, ALL_DIRS), strict=True))


@pytest.fixture(scope="session")
def validated(
    terraform: Terraform, initialised: dict[Path, subprocess.CompletedProcess[str]]
) -> dict[Path, subprocess.CompletedProcess[str] | None]:
    """`terraform validate -json` of every initialised module and root, in parallel."""

    def validate(workdir: Path) -> subprocess.CompletedProcess[str] | None:
        if initialised[workdir].returncode != 0:
            return None
        return terraform.run(workdir, "validate", "-json", "-no-color", timeout=300)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ALL_DIRS, pool.map(validate, ALL_DIRS), strict=True))


# ---------------------------------------------------------------- envs/local against moto


@dataclass
class LocalStack:
    endpoint: str
    outputs: dict[str, Any] | None = None
    failure: str | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _MotoProcess:
    """`python -m moto.server` on 127.0.0.1, started now and ready when the constructor returns."""

    def __init__(self, port: int, deadline_s: float = 60.0) -> None:
        import sys
        import time

        self._proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        until = time.monotonic() + deadline_s
        while time.monotonic() < until:
            if self._proc.poll() is not None:
                raise RuntimeError(f"moto server exited with {self._proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)  # polling a port with a deadline, not waiting on time
        self.stop()
        raise RuntimeError(f"moto server not listening on {port} within {deadline_s} s")

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def _apply_local(terraform: Terraform, work: Path, stack: LocalStack) -> tuple[EnvironmentRoot, Path]:
    tree = work / "terraform"
    shutil.copytree(TERRAFORM, tree, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"))
    root = EnvironmentRoot(tree / "envs" / "local", state_dir=work / "state", log_path=work / "terraform.log")
    dist = work / "dist"
    dist.mkdir()
    for package in ("ingestion", "etl", "routing", "monitor"):
        with zipfile.ZipFile(dist / f"{package}.zip", "w") as archive:
            archive.writestr("placeholder.py", "def handler(event, context):\n    return {}\n")
    try:
        root.init(stack.endpoint)
        stack.outputs = dict(root.apply(stack.endpoint, dist).raw)
    except TerraformFailed as exc:
        stack.failure = str(exc)
    return root, dist


WANTS_LOCAL_APPLY = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[WANTS_LOCAL_APPLY] = any("test_tf_local_apply" in item.nodeid for item in items)


@pytest.fixture(scope="session", autouse=True)
def _local_stack_started(
    request: pytest.FixtureRequest, terraform_or_reason: Terraform | str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Future[LocalStack] | None]:
    """Start a moto server and apply envs/local in the background as soon as the session starts
    (only when the apply test was collected)."""
    if isinstance(terraform_or_reason, str) or not request.config.stash.get(WANTS_LOCAL_APPLY, False):
        yield None
        return
    # A moto server in its own process: an in-process ThreadedMotoServer shares moto's global
    # backends with the `mock_aws` unit tests running meanwhile, whose resets wipe what terraform
    # created (the destroy then waits on resources that vanished).
    port = _free_port()
    server = _MotoProcess(port)
    stack = LocalStack(endpoint=f"http://127.0.0.1:{port}")
    work = tmp_path_factory.mktemp("local-env")
    pool = ThreadPoolExecutor(max_workers=1)

    def run() -> tuple[LocalStack, EnvironmentRoot, Path]:
        root, dist = _apply_local(terraform_or_reason, work, stack)
        return stack, root, dist

    future = pool.submit(run)
    result: Future[LocalStack] = Future()
    future.add_done_callback(
        lambda f: result.set_exception(f.exception()) if f.exception() else result.set_result(f.result()[0])
    )
    try:
        yield result
    finally:
        _, root, dist = future.result()
        try:
            root.destroy(stack.endpoint, dist)
        finally:
            pool.shutdown()
            server.stop()


@pytest.fixture(scope="session")
def local_stack(terraform: Terraform, _local_stack_started: Future[LocalStack] | None) -> LocalStack:
    assert _local_stack_started is not None
    stack = _local_stack_started.result(timeout=1200)
    assert stack.failure is None, stack.failure
    return stack
