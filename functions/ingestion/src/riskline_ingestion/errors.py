"""The package's exception family, each mapped to one HTTP status at the edge (never deep inside)."""

from riskline_schema import FieldProblem


class IngestionError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, problems: list[FieldProblem] | None = None, *, application_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.application_id = application_id  # the existing application an error is about, if any

    def body(self) -> dict:
        """The one error shape every channel answers with."""
        error: dict = {"code": self.code, "message": self.message, "problems": [p.model_dump() for p in self.problems]}
        if self.application_id is not None:
            error["application_id"] = self.application_id
        return {"error": error}


class MalformedRequest(IngestionError):
    status, code = 400, "malformed_request"


class Forbidden(IngestionError):
    """The caller is authenticated but may not do this (a channel's key used for another channel)."""

    status, code = 403, "forbidden"


class ChannelMismatch(Forbidden):
    code = "channel_mismatch"


class NotFound(IngestionError):
    status, code = 404, "not_found"


class Conflict(IngestionError):
    """An Idempotency-Key reused for a different body, or a duplicate still being processed."""

    status, code = 409, "conflict"


class NotAmendable(Conflict):
    """A corrected resubmission of an application that can no longer change (audited, or amended too often)."""

    code = "not_amendable"


class PayloadTooLarge(IngestionError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(IngestionError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(IngestionError):
    status, code = 422, "validation_failed"


class StoreUnavailable(IngestionError):
    """The applications table refused a write: nothing was accepted, the client should retry."""

    status, code = 503, "store_unavailable"
