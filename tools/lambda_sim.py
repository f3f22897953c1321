"""Run Python the way the Lambda python3.11 runtime does, to check built zips on this machine.

- `/var/task` is the extracted zip; `/var/runtime` provides only what the runtime ships
  (boto3, botocore and their dependencies, copied from the project venv and byte-compiled as the
  runtime's are); nothing else — no site-packages, no editable installs, no PYTHON* variables.
- The environment is the local stack's Lambda environment (`riskline_local.emulator.lambda_env`: what Lambda
  sets) with POWERTOOLS_* and the contract variables from docs/CONTRACTS.md as placeholder values,
  and no AWS_ENDPOINT_URL*.
"""

from __future__ import annotations

import compileall
import importlib.metadata
import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "local") not in sys.path:  # the Lambda environment is the local stack's own (not an installed package)
    sys.path.append(str(ROOT / "local"))

from riskline_local.emulator.lambda_env import lambda_environment as lambda_environment_of  # noqa: E402
from riskline_local.emulator.lambda_env import unpack_code  # noqa: E402

RUNTIME_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer", "urllib3", "jmespath", "python-dateutil", "six")
_HANDLER_ROW = re.compile(
    r"^\|\s*`dist/(?P<fn>[a-z0-9_-]+)\.zip`\s*\|\s*(?P<role>[^|]+?)\s*\|\s*`(?P<handler>[\w.]+)`\s*\|"
)
_ENV_ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]+)`(?:,\s*`(?P<second>[A-Z][A-Z0-9_]+)`)?\s*\|")


def contract_handlers(contracts: Path = ROOT / "docs" / "CONTRACTS.md") -> list[tuple[str, str, str]]:
    """(function, role, handler string) for every row of the handler table in CONTRACTS.md."""
    rows = []
    for line in contracts.read_text().splitlines():
        match = _HANDLER_ROW.match(line)
        if match:
            rows.append((match["fn"], match["role"], match["handler"]))
    return rows


def handler_module_path(handler: str, root: Path = ROOT) -> Path | None:
    """Where the handler's module lives in the source tree (None while it is not written)."""
    module = handler.rsplit(".", 1)[0]
    package, _, rest = module.partition(".")
    for src in sorted((root / "functions").glob(f"*/src/{package}")):
        candidate = src.joinpath(*rest.split(".")) if rest else src
        for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
            if path.is_file():
                return path
    return None


def lambda_environment(function: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The local stack's Lambda environment (riskline_local.emulator.lambda_env), with every contract variable."""
    variables = {
        "POWERTOOLS_SERVICE_NAME": function,
        "POWERTOOLS_METRICS_NAMESPACE": "riskline",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        **_contract_placeholders(),
    }
    return lambda_environment_of(
        f"riskline-bench-{function}", variables=variables, overrides=extra, task_root="/var/task", memory_mb=512
    )


def _contract_placeholders(contracts: Path = ROOT / "docs" / "CONTRACTS.md") -> dict[str, str]:
    special = {
        "SCORING_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/riskline-bench-scoring",
        "ETL_FUNCTION_NAME": "riskline-bench-etl-sync:live",
        "APPLICANT_KEY_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:riskline-bench-key",
        "WAREHOUSE_BACKEND": "redshift",
        "SCORING_TIMEOUT_MS": "2500",
        "ENDPOINT_TIMEOUT_MS": "1500",
        "ENDPOINT_MAX_ATTEMPTS": "3",
        "LAKE_PREFIX": "applications",
        "WAREHOUSE_LOAD_MODE": "scheduled",
        "LOADER_SETTLE_SECONDS": "120",
    }
    values: dict[str, str] = {}
    in_env_table = False
    for line in contracts.read_text().splitlines():
        if line.startswith("## "):
            in_env_table = line.strip() == "## Environment variables"
            continue
        match = _ENV_ROW.match(line) if in_env_table else None
        if not match:
            continue
        for name in filter(None, (match["name"], match["second"])):
            if name.startswith(("AWS_", "POWERTOOLS_")) or name == "WAREHOUSE_DUCKDB_PATH":
                continue  # AWS_ENDPOINT_URL* must stay unset; POWERTOOLS_* are set per function
            slug = f"riskline-bench-{name.lower().removesuffix('_arn').replace('_', '-')}"
            if name.endswith("_ARN"):  # ARN-shaped, in case a module parses it at import
                slug = f"arn:aws:iam::123456789012:role/{slug}"
            values[name] = special.get(name, slug)
    return values


def runtime_dir(build_dir: Path = ROOT / "build") -> Path:
    """build/lambda-runtime: the runtime's packages only, copied once per set of versions.

    Built under a private name and renamed into place, so concurrent runs never see half a tree.
    """
    target = build_dir / "lambda-runtime"
    versions = {name: importlib.metadata.version(name) for name in RUNTIME_DISTRIBUTIONS}
    if _stamp_matches(target, versions):
        return target
    staging = build_dir / f"lambda-runtime.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in RUNTIME_DISTRIBUTIONS:
        distribution = importlib.metadata.distribution(name)
        tops = {
            Path(str(f)).parts[0]
            for f in distribution.files or []
            if not str(f).startswith("..")
            and "__pycache__" not in str(f)
            and not Path(str(f)).parts[0].endswith("-info")
        }
        for top in sorted(tops):
            source = Path(str(distribution.locate_file(top)))
            if source.is_dir():
                shutil.copytree(source, staging / top, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.suffix == ".py":
                shutil.copy2(source, staging / top)
        info = Path(str(distribution._path))  # type: ignore[attr-defined]  # keep METADATA: botocore reads versions
        shutil.copytree(info, staging / info.name)
    # The real runtime's packages are byte-compiled; without this `import boto3` would be
    # measured compiling botocore from source on every run.
    compileall.compile_dir(
        str(staging), quiet=1, workers=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    (staging / ".versions.json").write_text(json.dumps(versions, sort_keys=True))
    if _stamp_matches(target, versions):  # another run finished first
        shutil.rmtree(staging, ignore_errors=True)
        return target
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def _stamp_matches(target: Path, versions: dict[str, str]) -> bool:
    stamp = target / ".versions.json"
    return stamp.is_file() and json.loads(stamp.read_text()) == versions


def extract(zip_path: Path, scratch: Path) -> Path:
    """The zip's code as the local runtime unpacks it (one directory per content hash below `scratch`)."""
    target = unpack_code(zip_path, scratch)
    assert target is not None  # no expected hash: every zip unpacks
    return target


def run_isolated(
    code: str,
    *,
    task: Path | None,
    runtime: Path,
    env: dict[str, str],
    timeout: float = 120,
    flags: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`python -I -S -B`: no site, no PYTHON* variables, no bytecode writes; sys.path = [task, runtime] + stdlib."""
    paths = [str(p) for p in (task, runtime) if p is not None]
    prologue = f"import sys; sys.path[:0] = {paths!r}\n"
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", *flags, "-c", prologue + code],
        cwd=str(task or runtime),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


IMPORT_CHECK = """
import importlib, json, os, sys
handler = {handler!r}
module_name, _, attribute = handler.rpartition(".")
module = importlib.import_module(module_name)
function = getattr(module, attribute)
allowed = tuple(os.path.realpath(p) + os.sep for p in sys.path[:2]) + (os.path.realpath(sys.base_prefix) + os.sep,)
outside = sorted(
    name for name, mod in list(sys.modules.items())
    if getattr(mod, "__file__", None) and not os.path.realpath(mod.__file__).startswith(allowed)
)
print(json.dumps({{"callable": callable(function), "file": module.__file__, "outside": outside}}))
"""
