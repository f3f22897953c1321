"""The one Lambda-environment builder: the variables the python3.11 runtime sets for a function.

The local Lambda runtime (`lambda_pool.py`) starts every execution environment with it, and
`tools/lambda_sim.py` (the built-zip import test, `bench/coldstart.py`) runs handlers under it, so
both see what Lambda sets, then the function's own variables, then the only local overrides (where
boto3 sends each service); both run the code from the zip as `unpack_code` lays it out. Stdlib only,
so tools/ imports it without the stack's dependencies.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path

LAMBDA_PATH = "/usr/local/bin:/usr/bin:/bin"


def lambda_environment(
    function_name: str,
    *,
    variables: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    handler: str | None = None,
    task_root: str | None = None,
    version: str = "$LATEST",
    memory_mb: int = 128,
    region: str = "us-east-1",
    path: str = LAMBDA_PATH,
) -> dict[str, str]:
    """What the runtime sets, then `variables` (the function's configuration), then `overrides`."""
    env = {
        "PATH": path,
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{uuid.uuid4().hex}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # The role's credentials, as placeholders: nothing here may need real ones or ask the metadata service.
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONDONTWRITEBYTECODE": "1",  # the task root is read-only on Lambda: no bytecode is ever cached there
        "PYTHONUNBUFFERED": "1",  # the function's output is its log stream, line by line
    }
    if handler is not None:
        env["_HANDLER"] = handler
    if task_root is not None:
        env["LAMBDA_TASK_ROOT"] = task_root
    env.update(variables or {})
    env.update(overrides or {})
    return env


def unpack_code(zip_path: Path, dest_root: Path, expected_sha256: str | None = None) -> Path | None:
    """The zip unpacked once per content hash under `dest_root`; None when it is not the deployed code.

    `expected_sha256`: the function's `CodeSha256` (base64), when the caller knows what was deployed.
    """
    digest = hashlib.sha256(zip_path.read_bytes()).digest()
    if expected_sha256 and base64.b64encode(digest).decode() != expected_sha256:
        return None
    target = dest_root / digest.hex()[:16]
    if not (target / ".unpacked").exists():
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(target)
        (target / ".unpacked").touch()
    return target
