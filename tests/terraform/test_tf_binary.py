"""terraform fmt, init + validate of every module and root, and the `terraform test` suites."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"
MODULE_DIRS = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
ALL_DIRS = [*MODULE_DIRS, TERRAFORM / "stack", *sorted(p for p in (TERRAFORM / "envs").iterdir() if p.is_dir())]
Terraform = Any  # the session fixture of tests/terraform/conftest.py


def rel(path: Path) -> str:
    return str(path.relative_to(TERRAFORM))


TEST_DIRS = sorted({p.parent.parent for p in TERRAFORM.rglob("tests/*.tftest.hcl") if ".terraform" not in p.parts})


def test_terraform_files_are_formatted(terraform: Terraform) -> None:
    result = terraform.run(TERRAFORM, "fmt", "-check", "-recursive", "-diff", "-no-color", timeout=120)
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("workdir", ALL_DIRS, ids=rel)
def test_module_initialises_offline_and_validates(
    workdir: Path,
    initialised: dict[Path, subprocess.CompletedProcess[str]],
    validated: dict[Path, subprocess.CompletedProcess[str] | None],
) -> None:
    init = initialised[workdir]
    assert init.returncode == 0, f"init failed in {rel(workdir)}:\n{init.stdout}{init.stderr}"
    result = validated[workdir]
    assert result is not None
    report = json.loads(result.stdout)
    problems = [f"{d['severity']}: {d['summary']} {d.get('detail', '')}" for d in report["diagnostics"]]
    assert report["valid"], f"{rel(workdir)} is invalid:\n" + "\n".join(problems)
    assert report["error_count"] == 0


def test_every_module_has_the_standard_files_and_readme() -> None:
    for workdir in (TERRAFORM / "modules").iterdir():
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (workdir / name).is_file(), f"{rel(workdir)} lacks {name}"


def test_there_are_terraform_test_suites() -> None:
    assert {rel(d) for d in TEST_DIRS} >= {
        "stack",
        "modules/inference",
        "modules/lambda_function",
        "envs/dev",
        "envs/prod",
    }


@pytest.fixture(scope="module")
def test_runs(
    terraform: Terraform, initialised: dict[Path, subprocess.CompletedProcess[str]]
) -> dict[Path, subprocess.CompletedProcess[str] | None]:
    """`terraform test` of every suite, run concurrently."""

    def run(workdir: Path) -> subprocess.CompletedProcess[str] | None:
        if initialised[workdir].returncode != 0:
            return None
        return terraform.run(workdir, "test", "-no-color", timeout=600)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(TEST_DIRS, pool.map(run, TEST_DIRS), strict=True))


@pytest.mark.parametrize("workdir", TEST_DIRS, ids=rel)
def test_terraform_test_suite_passes(
    workdir: Path,
    initialised: dict[Path, subprocess.CompletedProcess[str]],
    test_runs: dict[Path, subprocess.CompletedProcess[str] | None],
) -> None:
    assert initialised[workdir].returncode == 0, initialised[workdir].stderr
    result = test_runs[workdir]
    assert result is not None
    output = result.stdout + result.stderr
    summary = re.search(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", output)
    assert result.returncode == 0 and summary, f"terraform test failed in {rel(workdir)}:\n{output[-6000:]}"
    passed, failed = int(summary.group(1)), int(summary.group(2))
    skipped = int(summary.group(3) or 0)
    assert failed == 0 and skipped == 0 and passed > 0, output[-3000:]
