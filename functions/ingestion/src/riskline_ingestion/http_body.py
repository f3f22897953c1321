"""Turn an API Gateway request body into a JSON object, or the 4xx that explains why not.

Checks run cheapest first: content type (415), decoded size (413), JSON syntax (400), object (400).
"""

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from riskline_schema import FieldProblem

from .errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType

SINGLE_LIMIT_BYTES = 32 * 1024
BATCH_LIMIT_BYTES = 1024 * 1024


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type, *params = (part.strip().lower() for part in content_type.split(";"))
    structured_json = media_type.startswith("application/") and media_type.endswith("+json")
    if media_type != "application/json" and not structured_json:
        return False
    charsets = [p.split("=", 1)[1].strip('"') for p in params if p.startswith("charset=")]
    return all(c in ("utf-8", "utf8") for c in charsets)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(headers: Mapping[str, str], body: str | None, is_base64: bool, limit: int) -> dict[str, Any]:
    """`headers` must be case-insensitive (powertools gives a CaseInsensitiveDict)."""
    if not _is_json(headers.get("content-type")):
        raise UnsupportedMediaType(
            "send the body as JSON",
            [FieldProblem(field="Content-Type", problem="must be application/json (UTF-8)")],
        )
    try:
        raw = base64.b64decode(body or "", validate=True) if is_base64 else (body or "").encode()
    except (binascii.Error, ValueError):
        problems = [FieldProblem(field="(body)", problem="not base64")]
        raise MalformedRequest("the body is not valid base64", problems) from None
    if len(raw) > limit:
        raise PayloadTooLarge(
            f"the body is {len(raw)} bytes; the limit is {limit}",
            [FieldProblem(field="(body)", problem=f"larger than {limit} bytes")],
        )
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        problem = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "malformed JSON"
        raise MalformedRequest("the body is not valid JSON", [FieldProblem(field="(body)", problem=problem)]) from None
    if not isinstance(document, dict):
        raise MalformedRequest(
            "the body must be a JSON object", [FieldProblem(field="(body)", problem="must be a JSON object")]
        )
    return document
