"""One stage behind the SageMaker hosting contract, independent of the HTTP server that carries it.

GET  /ping                  200 once the stage is loaded
POST /invocations           the stage's transform; 4xx with {"error": ...} for bad payloads
GET  /execution-parameters  batch-transform hints (SageMaker asks before a transform job)
"""

import json
import logging
import os
from pathlib import Path
from typing import Protocol

from .protocol import CSV, MAX_PAYLOAD_BYTES, BadRequest

log = logging.getLogger("riskline.serving")

STAGES = ("preprocess", "xgboost")
JSON_TYPE = b"application/json"
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
    """Routes one request to the stage: (status, body, content type) for a method, path and payload."""

    def __init__(self, stage: Stage, name: str) -> None:
        self.stage = stage
        self.name = name

    def respond(
        self, method: bytes, path: bytes, content_type: str | None, accept: str | None, body: bytes
    ) -> tuple[int, bytes, bytes]:
        if path == b"/invocations":
            if method != b"POST":
                return 405, _error("use POST /invocations"), JSON_TYPE
            if len(body) > MAX_PAYLOAD_BYTES:
                return self.too_large()
            return self._invoke(body, content_type, accept)
        if path == b"/ping":
            return 200, b"", JSON_TYPE
        if path == b"/execution-parameters":
            return 200, EXECUTION_PARAMETERS, JSON_TYPE
        return 404, _error(f"no route {method.decode('latin-1')} {path.decode('latin-1')}"), JSON_TYPE

    @staticmethod
    def too_large() -> tuple[int, bytes, bytes]:
        return 413, _error(f"payload exceeds {MAX_PAYLOAD_BYTES} bytes"), JSON_TYPE

    def _invoke(self, body: bytes, content_type: str | None, accept: str | None) -> tuple[int, bytes, bytes]:
        try:
            out, out_type = self.stage.invoke(body, content_type, accept)
        except BadRequest as exc:
            return exc.status, _error(exc.message), JSON_TYPE
        except Exception:
            log.exception("stage %s failed on a request", self.name)  # the payload itself is never logged
            return 500, _error(f"{self.name} stage failed"), JSON_TYPE
        return 200, out, out_type.encode()


def create_app() -> StageApp:
    """Factory the server calls in each worker: stage and model directory from the environment."""
    name = os.environ.get("RISKLINE_STAGE", "")
    model_dir = Path(os.environ.get("RISKLINE_MODEL_DIR", "/opt/ml/model"))
    stage = load_stage(name, model_dir, os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"))
    return StageApp(stage, name)
