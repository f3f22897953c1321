"""Shared fixtures of the terraform checks: the binary, an offline provider mirror, initialised dirs.

Every terraform command runs with its own TF_DATA_DIR under a temporary directory, so the checks
never touch the `.terraform/` of a checkout someone is working in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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
        return self.data_root / rel(workdir).replace("/", "__")

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


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip(
            "terraform binary not on PATH: fmt/validate/test/apply checks skipped (hcl2 and checkov checks still run)"
        )
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"no hashicorp/aws provider mirror at {MIRROR} (set RISKLINE_TF_MIRROR): terraform checks skipped")
    home = tmp_path_factory.mktemp("tf")
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
def initialised(terraform: Terraform) -> dict[Path, subprocess.CompletedProcess[str]]:
    """`terraform init -backend=false` of every module and root, in parallel."""

    def init(workdir: Path) -> subprocess.CompletedProcess[str]:
        return terraform.run(workdir, "init", "-backend=false", "-input=false", "-no-color", timeout=300)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(ALL_DIRS, pool.map(init, ALL_DIRS), strict=True))
    return results


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
