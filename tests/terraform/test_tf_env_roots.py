"""Every environment root exposes the same outputs, among them every one docs/CONTRACTS.md lists, from
the one shared file the roots link in (terraform/shared/env_outputs.tf)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVS = sorted(p for p in (ROOT / "terraform" / "envs").iterdir() if p.is_dir())
_OUTPUT = re.compile(r'^output\s+"(\w+)"', re.MULTILINE)


def contract_outputs() -> set[str]:
    text = (ROOT / "docs" / "CONTRACTS.md").read_text()
    section = text.split("## Terraform environment outputs", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`(\w+)`", first_cell))
    return names


def root_outputs(env: Path) -> list[str]:
    return [name for tf in sorted(env.glob("*.tf")) for name in _OUTPUT.findall(tf.read_text())]


def test_the_contract_lists_the_outputs() -> None:
    assert {"api_url", "api_keys", "endpoint_name", "function_names", "warehouse_workgroup_name"} <= contract_outputs()


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_every_root_exposes_the_contract_outputs(env: Path) -> None:
    outputs = root_outputs(env)
    assert len(outputs) == len(set(outputs)), f"{env.name} declares an output twice"
    missing = contract_outputs() - set(outputs)
    assert not missing, f"{env.name} lacks {sorted(missing)}"


def test_every_root_exposes_the_same_outputs() -> None:
    by_root = {env.name: set(root_outputs(env)) for env in ENVS}
    assert len({frozenset(names) for names in by_root.values()}) == 1, by_root


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_every_root_takes_its_outputs_from_the_one_shared_file(env: Path) -> None:
    outputs = env / "outputs.tf"
    assert outputs.is_symlink(), f"{env.name}/outputs.tf should link to terraform/shared/env_outputs.tf"
    assert outputs.resolve() == (ROOT / "terraform" / "shared" / "env_outputs.tf").resolve()
