"""Shared fixtures of the terraform checks: the project's terraform runner (riskline_local.emulator.terraform:
offline provider mirror, its own TF_DATA_DIR per directory under a temporary directory, so the checks
never touch the `.terraform/` of a checkout someone is working in) and initialised, validated dirs.
The moto apply of envs/local is the session's one, shared with the local stack's tests (`local_env`,
tests/conftest.py).
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from riskline_local.emulator.terraform import Terraform, unavailable_reason

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
