"""Drive `terraform/envs/local` against the moto server: init, apply, outputs, destroy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLUGIN_DIR = Path(os.environ.get("RISKLINE_TF_PLUGIN_DIR", "/opt/tf-plugins"))


class TerraformMissing(RuntimeError):
    """No terraform binary on PATH: the local stack cannot create its resources."""


class TerraformFailed(RuntimeError):
    pass


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformMissing(
            "terraform (>= 1.5) is not on PATH; the local stack creates its AWS resources with "
            "`terraform/envs/local` and cannot start without it"
        )
    return found


@dataclass(frozen=True)
class LocalOutputs:
    """The names every environment exposes (docs/CONTRACTS.md, "Terraform environment outputs")."""

    raw: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]

    @property
    def api_keys(self) -> dict[str, str]:
        return dict(self.raw["api_keys"])

    @property
    def function_names(self) -> dict[str, str]:
        return dict(self.raw["function_names"])


class TerraformRunner:
    """One working copy of `terraform/envs/local` with its state kept under `state_dir`."""

    def __init__(self, root: Path, *, state_dir: Path, log_path: Path) -> None:
        self.root = root
        self.state_dir = state_dir
        self.log_path = log_path
        self.binary = terraform_binary()

    def _env(self, aws_endpoint: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
        env.update(
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            TF_DATA_DIR=str(self.state_dir / ".terraform"),
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=env.get("AWS_REGION", "us-east-1"),
            AWS_DEFAULT_REGION=env.get("AWS_DEFAULT_REGION", "us-east-1"),
            TF_VAR_aws_endpoint=aws_endpoint,
        )
        env.pop("AWS_PROFILE", None)
        env.pop("AWS_SESSION_TOKEN", None)
        return env

    def _run(self, args: list[str], aws_endpoint: str, *, capture: bool = False) -> str:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [self.binary, f"-chdir={self.root}", *args]
        with open(self.log_path, "a") as log:
            log.write(f"\n$ terraform {' '.join(args)}\n")
            log.flush()
            done = subprocess.run(
                cmd,
                env=self._env(aws_endpoint),
                stdout=subprocess.PIPE if capture else log,
                stderr=log,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-25:])
            raise TerraformFailed(f"terraform {args[0]} failed (exit {done.returncode}); log {self.log_path}:\n{tail}")
        return done.stdout if capture else ""

    def _state_args(self) -> list[str]:
        return [f"-state={self.state_dir / 'terraform.tfstate'}"]

    def init(self, aws_endpoint: str) -> None:
        self._run(["init", "-input=false", f"-plugin-dir={PLUGIN_DIR}"], aws_endpoint)

    def apply(self, aws_endpoint: str, dist_dir: Path, extra_vars: Mapping[str, str] | None = None) -> LocalOutputs:
        var_args = [f"-var=aws_endpoint={aws_endpoint}", f"-var=dist_dir={dist_dir.resolve()}"]
        var_args += [f"-var={k}={v}" for k, v in (extra_vars or {}).items()]
        self._run(
            ["apply", "-auto-approve", "-input=false", "-parallelism=20", *self._state_args(), *var_args], aws_endpoint
        )
        return self.outputs(aws_endpoint)

    def outputs(self, aws_endpoint: str) -> LocalOutputs:
        text = self._run(["output", "-json", *self._state_args()], aws_endpoint, capture=True)
        return LocalOutputs({name: entry["value"] for name, entry in json.loads(text).items()})

    def destroy(self, aws_endpoint: str, dist_dir: Path, extra_vars: Mapping[str, str] | None = None) -> None:
        var_args = [f"-var=aws_endpoint={aws_endpoint}", f"-var=dist_dir={dist_dir.resolve()}"]
        var_args += [f"-var={k}={v}" for k, v in (extra_vars or {}).items()]
        self._run(
            ["destroy", "-auto-approve", "-input=false", "-parallelism=20", *self._state_args(), *var_args],
            aws_endpoint,
        )
