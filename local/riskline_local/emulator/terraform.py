"""The one terraform runner: the local stack, the terraform checks in tests/ and the benchmarks use it.

`Terraform` runs the CLI offline and non-interactively, with the hashicorp/aws provider taken from a
filesystem mirror (`RISKLINE_TF_PLUGIN_DIR`, else `/opt/tf-plugins` when present) and one data
directory per working directory, so no run touches the `.terraform/` of a checkout.
`EnvironmentRoot` drives one environment root (`terraform/envs/local` against moto): init, apply,
outputs, destroy, with its state and log under a directory of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIRROR_VARIABLE = "RISKLINE_TF_PLUGIN_DIR"
DEFAULT_MIRROR = Path("/opt/tf-plugins")
PROVIDER = "registry.terraform.io/hashicorp/aws"


class TerraformMissing(RuntimeError):
    """No terraform binary on PATH, or no provider to init with: nothing terraform-based can run."""


class TerraformFailed(RuntimeError):
    pass


def provider_mirror() -> Path:
    """The filesystem mirror `init` takes the provider from."""
    configured = os.environ.get(MIRROR_VARIABLE)
    return Path(configured) if configured else DEFAULT_MIRROR


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformMissing(
            "terraform (>= 1.11) is not on PATH; the local stack creates its AWS resources with "
            "`terraform/envs/local` and cannot start without it"
        )
    return found


def unavailable_reason() -> str | None:
    """Why terraform cannot run offline here (no binary, or no mirrored provider), else None."""
    try:
        terraform_binary()
    except TerraformMissing as exc:
        return str(exc)
    mirror = provider_mirror()
    if not (mirror / PROVIDER).is_dir():
        return f"no hashicorp/aws provider mirror at {mirror} (set {MIRROR_VARIABLE})"
    return None


class Terraform:
    """The terraform CLI with offline settings; each working directory gets its own `TF_DATA_DIR` under `home`."""

    def __init__(self, home: Path) -> None:
        self.binary = terraform_binary()
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
        self.env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
        mirror = provider_mirror()
        if (mirror / PROVIDER).is_dir():
            # An unpacked filesystem mirror: init symlinks the provider instead of copying 700 MB per directory.
            cli_config = home / "terraformrc"
            cli_config.write_text(
                "provider_installation {\n  filesystem_mirror {\n"
                f'    path    = "{mirror}"\n    include = ["{PROVIDER}"]\n'
                "  }\n}\n"
            )
            self.env["TF_CLI_CONFIG_FILE"] = str(cli_config)

    def data_dir(self, workdir: Path) -> Path:
        return self.home / "data" / str(workdir.resolve()).strip("/").replace("/", "__")

    def run(
        self,
        workdir: Path,
        *args: str,
        timeout: float = 600,
        extra_env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        capture: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """`terraform -chdir=workdir args…`, output captured; with `log_path`, appended to that file
        instead (stdout still captured when `capture`, as for `output -json`)."""
        env = {**self.env, "TF_DATA_DIR": str(self.data_dir(workdir)), **(extra_env or {})}
        argv = [self.binary, f"-chdir={workdir}", *args]
        if log_path is None:
            return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "a") as log:
            log.write(f"\n$ terraform {' '.join(args)}\n")
            log.flush()
            stdout = subprocess.PIPE if capture else log
            return subprocess.run(argv, env=env, stdout=stdout, stderr=log, text=True, timeout=timeout, check=False)


@dataclass(frozen=True)
class LocalOutputs:
    """The names every environment exposes (docs/CONTRACTS.md, "Terraform environment outputs")."""

    raw: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.raw.get(name, default)

    @property
    def api_keys(self) -> dict[str, str]:
        return dict(self.raw["api_keys"])

    @property
    def function_names(self) -> dict[str, str]:
        return dict(self.raw["function_names"])


class EnvironmentRoot:
    """One environment root applied to a moto server, its state and log kept under `state_dir`."""

    def __init__(self, root: Path, *, state_dir: Path, log_path: Path) -> None:
        self.root = root
        self.state_dir = state_dir
        self.log_path = log_path
        self.terraform = Terraform(state_dir)
        # No profile or session of the caller's may reach the provider: it talks to moto only.
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            self.terraform.env.pop(name, None)

    def _aws_env(self, aws_endpoint: str) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            "TF_VAR_aws_endpoint": aws_endpoint,
        }

    def _run(self, args: list[str], aws_endpoint: str, timeout: float = 900, capture: bool = False) -> str:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        extra = self._aws_env(aws_endpoint)
        done = self.terraform.run(
            self.root, *args, timeout=timeout, extra_env=extra, log_path=self.log_path, capture=capture
        )
        if done.returncode != 0:
            tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-25:])
            raise TerraformFailed(f"terraform {args[0]} failed (exit {done.returncode}); log {self.log_path}:\n{tail}")
        return done.stdout or ""

    def _state_args(self) -> list[str]:
        return [f"-state={self.state_dir / 'terraform.tfstate'}"]

    def _change_args(self, aws_endpoint: str, dist_dir: Path, extra_vars: Mapping[str, str] | None) -> list[str]:
        """What apply and destroy share: no prompts, wide parallelism, the state file and the variables."""
        var_args = [f"-var=aws_endpoint={aws_endpoint}", f"-var=dist_dir={dist_dir.resolve()}"]
        var_args += [f"-var={k}={v}" for k, v in (extra_vars or {}).items()]
        return ["-auto-approve", "-input=false", "-no-color", "-parallelism=20", *self._state_args(), *var_args]

    def init(self, aws_endpoint: str) -> None:
        self._run(["init", "-input=false", "-no-color"], aws_endpoint, timeout=300)

    def apply(self, aws_endpoint: str, dist_dir: Path, extra_vars: Mapping[str, str] | None = None) -> LocalOutputs:
        self._run(["apply", *self._change_args(aws_endpoint, dist_dir, extra_vars)], aws_endpoint)
        return self.outputs(aws_endpoint)

    def outputs(self, aws_endpoint: str) -> LocalOutputs:
        text = self._run(["output", "-json", "-no-color", *self._state_args()], aws_endpoint, timeout=120, capture=True)
        return LocalOutputs({name: entry["value"] for name, entry in json.loads(text).items()})

    def destroy(self, aws_endpoint: str, dist_dir: Path, extra_vars: Mapping[str, str] | None = None) -> None:
        # The state is this run's own apply: refreshing ~190 resources against moto first only costs time.
        self._run(["destroy", "-refresh=false", *self._change_args(aws_endpoint, dist_dir, extra_vars)], aws_endpoint)
