"""The package's exception family, each mapped to one HTTP status at the edge (never deep inside)."""

from riskline_schema import FieldProblem


class IngestionError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, problems: list[FieldProblem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def body(self) -> dict:
        """The one error shape every channel answers with."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "problems": [p.model_dump() for p in self.problems],
            }
        }


class MalformedRequest(IngestionError):
    status, code = 400, "malformed_request"


class NotFound(IngestionError):
    status, code = 404, "not_found"


class Conflict(IngestionError):
    """An Idempotency-Key reused for a different body, or a duplicate still being processed."""

    status, code = 409, "conflict"


class PayloadTooLarge(IngestionError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(IngestionError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(IngestionError):
    status, code = 422, "validation_failed"


class StoreUnavailable(IngestionError):
    """The applications table refused a write: nothing was accepted, the client should retry."""

    status, code = 503, "store_unavailable"
