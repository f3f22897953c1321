"""`make up`: the local stack in the foreground. Prints the API base URL and each channel's API key;
Ctrl-C (or SIGTERM) stops everything and destroys what Terraform created."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from .stack import ROOT, LocalStack, StackOptions
from .terraform import TerraformMissing, terraform_binary


def main() -> int:
    try:
        terraform_binary()
    except TerraformMissing as exc:
        print(f"make up needs terraform: {exc}", file=sys.stderr)
        return 2
    work_dir = ROOT / "build" / "local"
    work_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=work_dir / "stack.log", level=logging.INFO, force=True,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with LocalStack(StackOptions(work_dir=work_dir)) as stack:
        assert stack.outputs is not None
        print(f"\nAPI base URL: {stack.api_base_url}")
        for channel, key in sorted(stack.outputs.api_keys.items()):
            print(f"  {channel:<8} x-api-key: {key}")
        print(f"Lambda Invoke API: {stack.lambda_front.url if stack.lambda_front else ''}  (AWS_ENDPOINT_URL_LAMBDA)")
        sagemaker = stack.sagemaker.url if stack.sagemaker else ""
        print(f"SageMaker runtime: {sagemaker}  (AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME)")
        print(f"moto (every other service): {stack.moto_url}  (AWS_ENDPOINT_URL)")
        print(f"warehouse: {stack.warehouse_path}   logs: {stack.log_dir}")
        if stack.workbench is not None:
            print(f"auditors' workbench: {stack.workbench.url}/  (local sign-in, users for this run:)")
            for user in stack.workbench.signin.users.values():
                groups = ", ".join(user.groups) or "no group"
                print(f"  {user.username:<8} password: {user.password}  ({groups})")
        print("Ctrl-C stops everything.", flush=True)
        stop.wait()
        print("stopping …", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
