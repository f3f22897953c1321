"""A SageMaker-runtime-compatible front for one inference-pipeline endpoint.

`POST /endpoints/{EndpointName}/invocations` (the InvokeEndpoint REST shape) runs the containers
in order as SageMaker does: each container's response becomes the next one's request, with its
content type; the client's Accept reaches only the last container (earlier ones answer their
`SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT`). A container that fails or cannot be reached makes the
call fail with 424 `ModelError` naming it. Faults: `extra_latency_s` delays every call.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import uuid
from typing import Any

from .httpfront import Front, Response
from .pipeline import ContainerUnreachable, PipelineClient
from .stages import StageSupervisor

MAX_PAYLOAD = 6 * 1024 * 1024
LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:"


class SageMakerFront(Front):
    name = "sagemaker-runtime"

    def __init__(self, endpoint_name: str, variant: str, stages: StageSupervisor, port: int = 0) -> None:
        super().__init__(port)
        self.endpoint_name = endpoint_name
        self.variant = variant
        self.stages = stages
        self.extra_latency_s = 0.0
        self._local = threading.local()  # a pipeline client (its keep-alive connections) per serving thread
        self._clients: list[PipelineClient] = []
        self._lock = threading.Lock()
        self.model_latencies_ms: list[float] = []
        self.errors = 0

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        parts = path.strip("/").split("/")
        if method != "POST" or len(parts) != 3 or parts[0] != "endpoints" or parts[2] != "invocations":
            return _error(404, "UnknownOperationException", f"no such operation: {method} {path}")
        name = urllib.parse.unquote(parts[1])
        if name != self.endpoint_name:
            return _error(400, "ValidationError", f"Endpoint {name} of account 123456789012 not found.")
        if len(body) > MAX_PAYLOAD:
            return _error(400, "ValidationError", "Request payload exceeds 6 MB")
        if self.extra_latency_s:
            time.sleep(self.extra_latency_s)
        content_type = headers.get("Content-Type") or "application/octet-stream"
        forwarded = {}
        if headers.get("X-Amzn-SageMaker-Custom-Attributes"):
            forwarded["X-Amzn-SageMaker-Custom-Attributes"] = headers["X-Amzn-SageMaker-Custom-Attributes"]
        started = time.perf_counter()
        stages = self.stages.stages
        try:
            answer = self._pipeline().call(body, content_type, headers.get("Accept"), forwarded)
        except ContainerUnreachable as exc:
            name = stages[exc.index].spec.name
            return self._model_error(name, 502, f"container unreachable: {type(exc.cause).__name__}")
        if answer.container is not None:
            message = answer.body.decode(errors="replace")
            return self._model_error(stages[answer.container].spec.name, answer.status, message)
        body, content_type = answer.body, answer.content_type
        with self._lock:
            self.model_latencies_ms.append((time.perf_counter() - started) * 1000)
        return Response(
            200,
            body,
            {
                "Content-Type": content_type,
                "x-Amzn-Invoked-Production-Variant": self.variant,
                "x-amzn-RequestId": str(uuid.uuid4()),
            },
        )

    def _pipeline(self) -> PipelineClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = PipelineClient([stage.port for stage in self.stages.stages], timeout_s=60.0)
            with self._lock:
                self._clients.append(client)
        return client

    def _model_error(self, container: str, status: int, message: str) -> Response:
        with self._lock:
            self.errors += 1
        kind = "client" if 400 <= status < 500 else "server"
        text = f'Received {kind} error ({status}) from {container} with message "{message[:1000]}".'
        doc = {
            "ErrorCode": f"{kind.upper()}_ERROR_FROM_MODEL",
            "Message": text,
            "OriginalStatusCode": status,
            "OriginalMessage": message[:1000],
            "LogStreamArn": f"{LOG_GROUP_ARN}/aws/sagemaker/Endpoints/{self.endpoint_name}",
        }
        return Response.json(
            424, doc, {"x-amzn-ErrorType": "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/"}
        )

    def stop(self) -> None:
        super().stop()
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()


def _error(status: int, code: str, message: str) -> Response:
    return Response.json(status, {"message": message}, {"x-amzn-ErrorType": code})
