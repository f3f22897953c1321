"""The Lambda Invoke REST API (`POST /2015-03-31/functions/{FunctionName}/invocations`) over the local runtime.

Enough of the service for boto3's `lambda` client: RequestResponse (200, `X-Amz-Function-Error`
when the function failed), Event (202, run in the background with Lambda's two retries) and
DryRun (204); names, partial and full ARNs, `name:alias` and `?Qualifier=`.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from .httpfront import Front, Response
from .lambda_runtime import FunctionNotFound, LambdaRuntime

PREFIX = "/2015-03-31/functions/"
MAX_SYNC_PAYLOAD = 6 * 1024 * 1024


class LambdaInvokeFront(Front):
    name = "lambda-invoke"

    def __init__(self, runtime: LambdaRuntime, port: int = 0) -> None:
        super().__init__(port)
        self.runtime = runtime

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        if method != "POST" or not path.startswith(PREFIX) or not path.endswith("/invocations"):
            return _error(404, "UnknownOperationException", f"no such operation: {method} {path}")
        function_name = urllib.parse.unquote(path[len(PREFIX) : -len("/invocations")])
        qualifier = urllib.parse.parse_qs(query).get("Qualifier", [None])[0]
        try:
            target = self.runtime.resolve(function_name, qualifier)
        except FunctionNotFound as exc:
            return _error(404, "ResourceNotFoundException", str(exc))
        invocation_type = headers.get("X-Amz-Invocation-Type") or "RequestResponse"
        version = {"X-Amz-Executed-Version": target.executed_version}
        if invocation_type == "DryRun":
            return Response(204, b"", version)
        if invocation_type == "Event":
            self.runtime.invoke_async(target, body or b"{}")
            return Response(202, b"", version)
        if invocation_type != "RequestResponse":
            return _error(400, "InvalidParameterValueException", f"invalid InvocationType {invocation_type}")
        if len(body) > MAX_SYNC_PAYLOAD:
            return _error(413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes")
        result = self.runtime.invoke(target, body or b"{}")
        response_headers = {"Content-Type": "application/json", **version}
        if result.function_error:
            response_headers["X-Amz-Function-Error"] = result.function_error
        return Response(200, result.payload, response_headers)


def _error(status: int, code: str, message: str) -> Response:
    return Response.json(status, {"Type": "User", "Message": message, "message": message}, {"x-amzn-ErrorType": code})
