"""A tiny ASGI app around one stage: the SageMaker hosting contract and nothing else.

GET  /ping                  200 once the stage is loaded
POST /invocations           the stage's transform; 4xx with {"error": ...} for bad payloads
GET  /execution-parameters  batch-transform hints (SageMaker asks before a transform job)
"""

import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from .protocol import CSV, MAX_PAYLOAD_BYTES, BadRequest

log = logging.getLogger("riskline.serving")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

STAGES = ("preprocess", "xgboost")
JSON_HEADERS = [(b"content-type", b"application/json")]
EXECUTION_PARAMETERS = json.dumps(
    {"MaxConcurrentTransforms": os.cpu_count() or 1, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 6}
).encode()


class Stage(Protocol):
    def invoke(self, body: bytes, content_type: str | None, accept: str | None) -> tuple[bytes, str]: ...


def load_stage(name: str, model_dir: Path, default_accept: str | None = None) -> Stage:
    """Load the named stage's handler from an unpacked model artifact."""
    if name == "preprocess":
        from .preprocess import Preprocessor

        return Preprocessor.load(model_dir, default_accept or CSV)
    if name == "xgboost":
        from .xgboost import Scorer

        return Scorer.load(model_dir)
    raise ValueError(f"RISKLINE_STAGE must be one of {', '.join(STAGES)}, not {name!r}")


def _error(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


class StageApp:
    """ASGI application serving one stage."""

    def __init__(self, stage: Stage, name: str) -> None:
        self.stage = stage
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/invocations":
            if method != "POST":
                return await self._answer(send, 405, _error("use POST /invocations"), JSON_HEADERS)
            return await self._invoke(scope, receive, send)
        if path == "/ping":
            return await self._answer(send, 200, b"", [])
        if path == "/execution-parameters":
            return await self._answer(send, 200, EXECUTION_PARAMETERS, JSON_HEADERS)
        await self._answer(send, 404, _error(f"no route {method} {path}"), JSON_HEADERS)

    async def _invoke(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = accept = None
        for key, value in scope["headers"]:
            if key == b"content-type":
                content_type = value.decode("latin-1")
            elif key == b"accept":
                accept = value.decode("latin-1")
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_PAYLOAD_BYTES:
                return await self._answer(send, 413, _error(f"payload exceeds {MAX_PAYLOAD_BYTES} bytes"), JSON_HEADERS)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        try:
            out, out_type = self.stage.invoke(body, content_type, accept)
        except BadRequest as exc:
            return await self._answer(send, exc.status, _error(exc.message), JSON_HEADERS)
        except Exception:
            log.exception("stage %s failed on a request", self.name)  # the payload itself is never logged
            return await self._answer(send, 500, _error(f"{self.name} stage failed"), JSON_HEADERS)
        await self._answer(send, 200, out, [(b"content-type", out_type.encode())])

    @staticmethod
    async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def create_app() -> StageApp:
    """Factory the server calls in each worker: stage and model directory from the environment."""
    name = os.environ.get("RISKLINE_STAGE", "")
    model_dir = Path(os.environ.get("RISKLINE_MODEL_DIR", "/opt/ml/model"))
    stage = load_stage(name, model_dir, os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"))
    return StageApp(stage, name)
