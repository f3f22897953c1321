"""Cold import of every Lambda handler, from its built zip, beside `import boto3` in the same run.

    python bench/coldstart.py                 # every handler in docs/CONTRACTS.md whose module exists
    python bench/coldstart.py --runs 15 etl   # one function, more runs
    python bench/coldstart.py --importtime etl_sync   # where one handler's import time goes

Each run is a fresh `python -I -S -B` with sys.path = [extracted zip, runtime packages] and a
Lambda-like environment (tools/lambda_sim.py): the import is timed inside the interpreter, so
interpreter start-up is left out of both numbers. Handler and baseline runs alternate, so a busy
machine slows both alike; the medians are printed as

    coldstart <role>: import_ms=… boto3_ms=… ratio=… boto3_at_import=yes|no

where <role> is the terraform `function_names` role (etl_sync, ingestion_api, routing, …).
The import includes everything the module does at load time (clients, powertools set-up);
`boto3_at_import=no` marks a handler that defers boto3 and its clients to its first invocation,
which then pays that difference (so its ratio is not comparable with a `yes` line).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import lambda_sim  # noqa: E402  (tools/ is not an installed package)

TIMED_IMPORT = """
import sys
import time
start = time.perf_counter()
import importlib
module = importlib.import_module({module!r})
{attribute}
elapsed = (time.perf_counter() - start) * 1000
print("boto3" in sys.modules, elapsed)
"""


# The stack's function map (role = { package, handler, ... }) and the handlers deployed by terraform
# modules of their own, under their own role.
_FUNCTION_ROW = re.compile(
    r'^\s*(?P<role>\w+)\s*=\s*\{\s*package\s*=\s*"\w+",\s*handler\s*=\s*"(?P<handler>[\w.]+)"', re.MULTILINE
)
OWN_ROLES = {
    "riskline_routing.loader.handler": "warehouse_loader",
    "riskline_monitor.handler.handler": "drift_monitor",
}


def role_names(functions_tf: Path = ROOT / "terraform" / "stack" / "functions.tf") -> dict[str, str]:
    """handler -> role, as terraform names them (the keys of `function_names` in CONTRACTS outputs)."""
    roles = {m["handler"]: m["role"] for m in _FUNCTION_ROW.finditer(functions_tf.read_text())}
    if not roles:
        raise RuntimeError(f"{functions_tf}: no function rows found")
    return roles | OWN_ROLES


def _timed(code: str, task: Path, runtime: Path, env: dict[str, str]) -> tuple[float, bool]:
    result = lambda_sim.run_isolated(code, task=task, runtime=runtime, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "import failed")
    loaded, elapsed = result.stdout.strip().splitlines()[-1].split()
    return float(elapsed), loaded == "True"


def measure(handler: str, fn: str, task: Path, runtime: Path, runs: int) -> tuple[float, float, bool]:
    """Medians of the handler's import and of `import boto3`, and whether the handler imported boto3.

    A handler that defers boto3 (and its clients) to its first invocation shows a lower ratio here;
    its first invocation pays the difference, so the last field says which kind each line is.
    """
    module, _, attribute = handler.rpartition(".")
    env = lambda_sim.lambda_environment(fn)
    handler_code = TIMED_IMPORT.format(module=module, attribute=f"module.{attribute}")
    boto3_code = TIMED_IMPORT.format(module="boto3", attribute="")
    _timed(boto3_code, task, runtime, env)  # warm the OS file cache for both, untimed
    _timed(handler_code, task, runtime, env)
    handler_ms, boto3_ms, loaded = [], [], False
    for _ in range(runs):
        elapsed, loaded = _timed(handler_code, task, runtime, env)
        handler_ms.append(elapsed)
        boto3_ms.append(_timed(boto3_code, task, runtime, env)[0])
    return statistics.median(handler_ms), statistics.median(boto3_ms), loaded


def importtime(handler: str, fn: str, task: Path, runtime: Path, top: int = 25) -> str:
    """The `-X importtime` breakdown of one import, biggest cumulative costs first."""
    module = handler.rpartition(".")[0]
    result = lambda_sim.run_isolated(
        f"import {module}",  # an import statement: importlib.import_module is not logged by -X importtime
        task=task,
        runtime=runtime,
        env=lambda_sim.lambda_environment(fn),
        flags=("-X", "importtime"),
    )
    rows = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _self, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            rows.append((int(cumulative), name.strip()))
    rows.sort(reverse=True)
    return "\n".join(f"  {cumulative / 1000:8.1f} ms  {name}" for cumulative, name in rows[:top])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("functions", nargs="*", help="limit to these functions (default: all with a zip)")
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per handler and per baseline")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--importtime", metavar="ROLE", help="print the import-time breakdown of one role instead")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    handlers = lambda_sim.contract_handlers()
    roles = role_names()
    runtime = lambda_sim.runtime_dir(args.build)
    (args.build / "coldstart").mkdir(parents=True, exist_ok=True)
    # A private extraction directory per run: concurrent benchmarks must not extract over each other.
    with tempfile.TemporaryDirectory(dir=args.build / "coldstart") as scratch:
        results, status = run(args, handlers, roles, runtime, Path(scratch))
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "results": results}, indent=2))
    return status


def run(
    args: argparse.Namespace, handlers: list[tuple[str, str, str]], roles: dict[str, str], runtime: Path, scratch: Path
) -> tuple[list[dict[str, object]], int]:
    tasks: dict[str, Path] = {}
    results: list[dict[str, object]] = []
    status = 0
    for fn, _role, handler in handlers:
        role = roles[handler]
        if args.functions and fn not in args.functions:
            continue
        if args.importtime and role != args.importtime:
            continue
        if lambda_sim.handler_module_path(handler) is None:
            print(f"coldstart {role}: skipped ({handler} is not in the source tree)")
            continue
        zip_path = args.dist / f"{fn}.zip"
        if not zip_path.is_file():
            print(f"coldstart {role}: skipped ({zip_path} missing: run `make package`)")
            continue
        if fn not in tasks:
            tasks[fn] = lambda_sim.extract(zip_path, scratch / fn)
        if args.importtime:
            print(f"importtime {role} ({handler}), cumulative:\n{importtime(handler, fn, tasks[fn], runtime)}")
            return results, 0
        try:
            import_ms, boto3_ms, boto3_loaded = measure(handler, fn, tasks[fn], runtime, args.runs)
        except RuntimeError as error:
            print(f"coldstart {role}: FAILED to import {handler} from {zip_path}: {error}")
            status = 1
            continue
        ratio = import_ms / boto3_ms
        print(
            f"coldstart {role}: import_ms={import_ms:.0f} boto3_ms={boto3_ms:.0f} ratio={ratio:.2f} "
            f"boto3_at_import={'yes' if boto3_loaded else 'no'}",
            flush=True,
        )
        results.append(
            {"role": role, "handler": handler, "import_ms": import_ms, "boto3_ms": boto3_ms, "ratio": ratio}
            | {"boto3_at_import": boto3_loaded}
        )
    return results, status


if __name__ == "__main__":
    sys.exit(main())
