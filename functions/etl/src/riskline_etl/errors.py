"""The etl's exception family; handlers map them to a typed ScoringError or a batch failure."""

from typing import Literal

from riskline_runtime.settings import ConfigurationError
from riskline_schema import ScoringError

__all__ = [
    "ConcurrentUpdate",
    "ConfigurationError",
    "EtlError",
    "FailureKind",
    "PoisonMessage",
    "ScoringFailure",
    "UnknownApplication",
]

FailureKind = Literal["timeout", "throttled", "endpoint_error", "model_rejected", "invalid_input"]

_MAX_MESSAGE = 2000  # ScoringError.message limit


class EtlError(Exception):
    """Base of every error this package raises on purpose."""


class ScoringFailure(EtlError):
    """Scoring did not produce an assessment. `retryable`: a later attempt may succeed."""

    def __init__(self, kind: FailureKind, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind
        self.message = message
        self.retryable = retryable

    def to_error(self) -> ScoringError:
        return ScoringError(kind=self.kind, message=self.message[:_MAX_MESSAGE], retryable=self.retryable)


class UnknownApplication(EtlError):
    """A scoring request names an application the table does not hold."""


class PoisonMessage(EtlError):
    """An SQS body that is not a ScoringRequest: it fails until the redrive policy moves it to the DLQ."""


class ConcurrentUpdate(EtlError):
    """The conditional write lost to another writer and the item is still not scored."""
