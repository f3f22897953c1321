"""One Lambda execution environment: imports a handler once (init), then runs invocations one at a time.

Started by the local Lambda runtime as a script (stdlib only, so nothing of the runtime leaks onto
the function's import path), with the function's own environment. It talks to its parent over an
inherited socket (file descriptor in argv[1]); the function's stdout/stderr are its log stream.

Messages (pickled dicts over multiprocessing.connection):
  worker → parent  {"ready": true, "init_ms": f} | {"init_error": {...}}
  parent → worker  {"request_id", "event_json", "deadline_epoch_ms", "invoked_arn", "trace_id", "crash"}
  worker → parent  {"payload": "<json>"} | {"error": {"errorMessage", "errorType", "stackTrace"}}
"""

import importlib
import json
import os
import sys
import time
import traceback
from multiprocessing.connection import Connection


class LambdaContext:
    """The attributes and method the Python runtime's context object offers."""

    def __init__(self, request_id: str, invoked_arn: str, deadline_epoch_ms: int) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = invoked_arn
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_epoch_ms = deadline_epoch_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_epoch_ms - time.time() * 1000))


def _error(exc: BaseException) -> dict:
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _load_handler():
    module_name, _, attr = os.environ["_HANDLER"].rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def main() -> None:
    conn = Connection(int(sys.argv[1]))
    # The script's own folder is not part of a Lambda's import path; the task root comes first.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p) != os.path.dirname(os.path.abspath(__file__))]
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root and os.path.isdir(task_root):
        sys.path.insert(0, task_root)

    started = time.perf_counter()
    try:
        handler = _load_handler()
    except Exception as exc:
        error = _error(exc)
        error["errorType"] = f"Runtime.ImportModuleError: {error['errorType']}"
        traceback.print_exc()
        conn.send({"init_error": error})
        return
    conn.send({"ready": True, "init_ms": (time.perf_counter() - started) * 1000})

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request.get("crash"):
            print(f"RequestId: {request['request_id']} Error: Runtime exited with error: signal: killed", flush=True)
            os._exit(137)
        os.environ["_X_AMZN_TRACE_ID"] = request["trace_id"]
        context = LambdaContext(request["request_id"], request["invoked_arn"], request["deadline_epoch_ms"])
        try:
            result = handler(json.loads(request["event_json"]), context)
            answer = {"payload": json.dumps(result)}
        except Exception as exc:
            traceback.print_exc()
            answer = {"error": _error(exc)}
        sys.stdout.flush()
        sys.stderr.flush()
        conn.send(answer)


if __name__ == "__main__":
    main()
