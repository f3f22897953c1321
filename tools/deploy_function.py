"""Deploy one function's zip to every Lambda function that runs it, and move their `live` alias.

    python tools/deploy_function.py etl --env dev                 # names from terraform output
    python tools/deploy_function.py etl --function riskline-dev-etl-sync --function riskline-dev-etl-queue

For each Lambda function: update_function_code (zip bytes inline, or through S3 above the 50 MB
inline limit), wait until the update has finished, publish a version pinned to the uploaded code's
SHA-256 (so a concurrent upload can never be published by mistake), then point the alias at it
(creating the alias if it does not exist yet). Prints `<function>: live <old> -> <new>`.

Credentials and region come from the usual boto3 environment (AWS_PROFILE, AWS_REGION, ...).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INLINE_LIMIT = 50 * 1024 * 1024  # update_function_code's ZipFile limit; larger zips go through S3


class DeployError(RuntimeError):
    pass


@dataclass(frozen=True)
class Deployed:
    function_name: str
    alias: str
    old_version: str | None
    new_version: str
    code_sha256: str


def roles_of(fn: str, function_names: dict[str, str]) -> list[str]:
    """Lambda function names running `fn`'s zip: output roles `<fn>` or `<fn>_<role>` (CONTRACTS)."""
    return [name for role, name in sorted(function_names.items()) if role == fn or role.startswith(f"{fn}_")]


def terraform_function_names(
    env_dir: Path, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> dict[str, str]:
    result = run(
        ["terraform", f"-chdir={env_dir}", "output", "-json", "function_names"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DeployError(f"terraform output failed in {env_dir}: {result.stderr.strip()}")
    names = json.loads(result.stdout)
    if not isinstance(names, dict):
        raise DeployError(f"terraform output function_names in {env_dir} is not a map: {result.stdout[:200]}")
    return {str(k): str(v) for k, v in names.items()}


def code_sha256(zip_bytes: bytes) -> str:
    """The CodeSha256 Lambda reports: base64 of the zip's SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()


def _current_alias_version(client: Any, function_name: str, alias: str) -> str | None:
    try:
        return client.get_alias(FunctionName=function_name, Name=alias)["FunctionVersion"]
    except client.exceptions.ResourceNotFoundException:
        return None


def deploy(
    client: Any,
    function_name: str,
    zip_bytes: bytes,
    *,
    alias: str = "live",
    description: str = "",
    s3: Any = None,
    s3_bucket: str | None = None,
    s3_key: str | None = None,
    inline_limit: int = INLINE_LIMIT,
) -> Deployed:
    old = _current_alias_version(client, function_name, alias)
    sha = code_sha256(zip_bytes)
    if len(zip_bytes) > inline_limit:
        if s3 is None or not s3_bucket:
            raise DeployError(f"{function_name}: zip is {len(zip_bytes)} bytes (> {inline_limit}); pass --s3-bucket")
        key = s3_key or f"lambda-code/{function_name}/{hashlib.sha256(zip_bytes).hexdigest()}.zip"
        s3.put_object(Bucket=s3_bucket, Key=key, Body=zip_bytes)
        response = client.update_function_code(FunctionName=function_name, S3Bucket=s3_bucket, S3Key=key)
    else:
        response = client.update_function_code(FunctionName=function_name, ZipFile=zip_bytes)
    if response.get("CodeSha256") not in (None, sha):
        raise DeployError(f"{function_name}: Lambda reports code {response['CodeSha256']}, uploaded {sha}")
    client.get_waiter("function_updated_v2").wait(FunctionName=function_name)
    version = client.publish_version(FunctionName=function_name, CodeSha256=sha, Description=description)["Version"]
    if old is None:
        client.create_alias(FunctionName=function_name, Name=alias, FunctionVersion=version)
    else:
        client.update_alias(FunctionName=function_name, Name=alias, FunctionVersion=version)
    return Deployed(function_name, alias, old, version, sha)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fn", help="function folder under functions/ (its zip: dist/<fn>.zip)")
    parser.add_argument("--env", default="dev", help="terraform/envs/<env> to read function_names from")
    parser.add_argument("--function", action="append", default=[], help="Lambda function name (repeatable)")
    parser.add_argument("--zip", type=Path, help="zip to deploy (default dist/<fn>.zip)")
    parser.add_argument("--alias", default="live")
    parser.add_argument("--s3-bucket", help="bucket for zips above the 50 MB inline limit")
    args = parser.parse_args(argv)

    zip_path = args.zip or ROOT / "dist" / f"{args.fn}.zip"
    if not zip_path.is_file():
        parser.error(f"{zip_path} does not exist: run `make package FN={args.fn}` first")
    names = args.function or roles_of(args.fn, terraform_function_names(ROOT / "terraform" / "envs" / args.env))
    if not names:
        parser.error(f"no Lambda function runs {args.fn} in terraform/envs/{args.env}; pass --function")

    import boto3  # here, not at import: the tests load this module without touching AWS

    client = boto3.client("lambda")
    s3 = boto3.client("s3") if args.s3_bucket else None
    zip_bytes = zip_path.read_bytes()
    print(f"deploy {args.fn}: {zip_path} ({len(zip_bytes)} bytes, sha256 {code_sha256(zip_bytes)})")
    for name in names:
        done = deploy(
            client, name, zip_bytes, alias=args.alias, description=f"{args.fn} {zip_path.name}", s3=s3,
            s3_bucket=args.s3_bucket,
        )  # fmt: skip
        print(f"{done.function_name}: {done.alias} {done.old_version or '(none)'} -> {done.new_version}")
    return 0


if __name__ == "__main__":
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        sys.exit(main())
    except (DeployError, ClientError, BotoCoreError) as error:
        print(f"deploy-function: {error}", file=sys.stderr)
        sys.exit(1)
