"""Stage 1: `ModelInput` JSON (one object, an array, or JSON Lines) -> feature rows as CSV.

The request is validated with the shared schema (pydantic's JSON parser, tens of microseconds per
application) and transformed by the artifact's own feature spec, so serving computes exactly the
features training did. The CSV has no header and one row per input, in input order.
"""

from pathlib import Path

import numpy as np
from pydantic import TypeAdapter, ValidationError

from riskline_schema import ModelInput, describe_validation_error

from ..artifact import FEATURE_SPEC
from ..features.spec import FeatureSpec
from .protocol import CSV, JSON, JSONLINES, BadRequest, accepted, media_type

_MANY = TypeAdapter(list[ModelInput])


def problems_text(exc: ValidationError, prefix: str = "") -> str:
    return "; ".join(f"{p.field}: {p.problem}" for p in describe_validation_error(exc, prefix))


def parse(body: bytes, content_type: str) -> list[ModelInput]:
    """Validated inputs from a request body, or BadRequest naming the first problems."""
    if not body.strip():
        raise BadRequest("empty request body: send a ModelInput JSON object or JSON Lines of them")
    if content_type == JSON:
        try:
            if body.lstrip()[:1] == b"[":
                return _MANY.validate_json(body)
            return [ModelInput.model_validate_json(body)]
        except ValidationError as exc:
            raise BadRequest(problems_text(exc)) from None
    if content_type == JSONLINES:
        inputs = []
        for number, line in enumerate(body.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                inputs.append(ModelInput.model_validate_json(line))
            except ValidationError as exc:
                raise BadRequest(f"line {number}: {problems_text(exc)}") from None
        return inputs
    raise BadRequest(f"unsupported content type {content_type!r}: send {JSON} or {JSONLINES}", status=415)


def to_csv(x: np.ndarray) -> bytes:
    """float32 rows as CSV; 9 significant digits round-trip every float32 exactly."""
    return "".join(",".join([format(v, ".9g") for v in row]) + "\n" for row in x.tolist()).encode()


class Preprocessor:
    """The stage-1 handler: loaded once per worker, then a pure function of each request."""

    supported_accept = (CSV,)

    def __init__(self, spec: FeatureSpec, default_accept: str = CSV) -> None:
        if default_accept not in self.supported_accept:
            raise ValueError(f"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT={default_accept!r}: this stage produces {CSV}")
        self.spec = spec
        self.default_accept = default_accept

    @classmethod
    def load(cls, model_dir: Path, default_accept: str = CSV) -> "Preprocessor":
        return cls(FeatureSpec.load(model_dir / FEATURE_SPEC), default_accept)

    def features(self, inputs: list[ModelInput]) -> np.ndarray:
        return self.spec.transform_records(inputs)

    def invoke(self, body: bytes, content_type: str | None, accept: str | None) -> tuple[bytes, str]:
        out_type = accepted(accept, self.default_accept, self.supported_accept)
        inputs = parse(body, media_type(content_type, JSON))
        return to_csv(self.features(inputs)), out_type
