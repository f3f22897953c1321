"""Shared fixtures of the terraform checks: the binary, an offline provider mirror, initialised dirs,
and the moto apply of envs/local, started first so it overlaps the CPU-bound checks.

Every terraform command runs with its own TF_DATA_DIR under a temporary directory, and the moto
apply runs on a copy of terraform/, so the checks never touch the `.terraform/` or state of a
checkout someone is working in.
"""

from __future__ import annotations

import json
import os
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

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
MIRROR = Path(os.environ.get("RISKLINE_TF_MIRROR", "/opt/tf-plugins"))

MODULE_DIRS = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
ROOT_DIRS = [TERRAFORM / "stack", *sorted(p for p in (TERRAFORM / "envs").iterdir() if p.is_dir())]
ALL_DIRS = [*MODULE_DIRS, *ROOT_DIRS]


def rel(path: Path) -> str:
    return str(path.relative_to(TERRAFORM))


@dataclass(frozen=True)
class Terraform:
    binary: str
    env: dict[str, str]
    data_root: Path

    def data_dir(self, workdir: Path) -> Path:
        return self.data_root / str(workdir).strip("/").replace("/", "__")

    def run(
        self, workdir: Path, *args: str, timeout: float = 600, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "TF_DATA_DIR": str(self.data_dir(workdir)), **(extra_env or {})}
        return subprocess.run(
            [self.binary, f"-chdir={workdir}", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _setup_terraform(home: Path) -> Terraform | str:
    """A Terraform runner, or the reason the binary-based checks cannot run here."""
    binary = shutil.which("terraform")
    if binary is None:
        return (
            "terraform binary not on PATH: fmt/validate/test/apply checks skipped (hcl2 and checkov checks still run)"
        )
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        return f"no hashicorp/aws provider mirror at {MIRROR} (set RISKLINE_TF_MIRROR): terraform checks skipped"
    # An unpacked filesystem mirror: init symlinks the provider instead of copying 700 MB per dir.
    cli_config = home / "terraformrc"
    cli_config.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{MIRROR}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n}\n"
    )
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }
    for var in [v for v in env if v.startswith("AWS_ENDPOINT_URL")]:
        del env[var]
    return Terraform(binary=binary, env=env, data_root=home / "data")


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


def _apply_local(terraform: Terraform, work: Path, stack: LocalStack) -> tuple[Path, list[str], dict[str, str]]:
    tree = work / "terraform"
    shutil.copytree(TERRAFORM, tree, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"))
    local = tree / "envs" / "local"
    dist = work / "dist"
    dist.mkdir()
    for package in ("ingestion", "etl", "routing", "monitor"):
        with zipfile.ZipFile(dist / f"{package}.zip", "w") as archive:
            archive.writestr("placeholder.py", "def handler(event, context):\n    return {}\n")
    args = ["-var", f"aws_endpoint={stack.endpoint}", "-var", f"dist_dir={dist}", "-no-color"]
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    state = work / "terraform.tfstate"
    init = terraform.run(local, "init", "-input=false", "-no-color", f"-backend-config=path={state}", timeout=300)
    if init.returncode != 0:
        stack.failure = f"init failed:\n{init.stdout}{init.stderr}"
        return local, args, env
    apply = terraform.run(local, "apply", "-auto-approve", "-parallelism=20", *args, timeout=900, extra_env=env)
    if apply.returncode != 0:
        stack.failure = f"apply failed:\n{(apply.stdout + apply.stderr)[-8000:]}"
        return local, args, env
    output = terraform.run(local, "output", "-json", "-no-color", timeout=120)
    if output.returncode != 0:
        stack.failure = f"output failed:\n{output.stderr}"
        return local, args, env
    stack.outputs = {name: item["value"] for name, item in json.loads(output.stdout).items()}
    return local, args, env


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

    def run() -> tuple[LocalStack, Path, list[str], dict[str, str]]:
        local, args, env = _apply_local(terraform_or_reason, work, stack)
        return stack, local, args, env

    future = pool.submit(run)
    result: Future[LocalStack] = Future()
    future.add_done_callback(
        lambda f: result.set_exception(f.exception()) if f.exception() else result.set_result(f.result()[0])
    )
    try:
        yield result
    finally:
        _, local, args, env = future.result()
        destroy = terraform_or_reason.run(
            local, "destroy", "-auto-approve", "-refresh=false", "-parallelism=20", *args, timeout=900, extra_env=env
        )
        pool.shutdown()
        server.stop()
        assert destroy.returncode == 0, (destroy.stdout + destroy.stderr)[-8000:]


@pytest.fixture(scope="session")
def local_stack(terraform: Terraform, _local_stack_started: Future[LocalStack] | None) -> LocalStack:
    assert _local_stack_started is not None
    stack = _local_stack_started.result(timeout=1200)
    assert stack.failure is None, stack.failure
    return stack
