"""The routing package's exception family; the stream handler maps each to a batch outcome."""

from riskline_runtime.settings import ConfigurationError

__all__ = [
    "ConfigurationError",
    "LakeWriteError",
    "LoadLogError",
    "RoutingError",
    "StatementFailed",
    "StatementTimeout",
    "UnconvertibleRecord",
    "WarehouseError",
    "WarehouseUnavailable",
    "WatermarkConflict",
]


class RoutingError(Exception):
    """Base of every error this package raises on purpose."""


class UnconvertibleRecord(RoutingError):
    """One stream record cannot become a lake row: a per-record failure, the others go on.

    The message names fields and problems only — never the offending values, which may be PII.
    """


class LakeWriteError(RoutingError):
    """The lake object could not be written: the whole batch must be retried."""


class WarehouseError(RoutingError):
    """The warehouse upsert did not complete (the lake already holds the rows; replay restores it)."""


class WarehouseUnavailable(WarehouseError):
    """The warehouse could not be reached, or was locked for longer than we wait."""


class StatementFailed(WarehouseError):
    """A warehouse statement ended FAILED or ABORTED."""


class StatementTimeout(WarehouseError):
    """A warehouse statement did not finish before its deadline."""


class LoadLogError(LakeWriteError):
    """The batch's load-log marker could not be written: the batch is retried like a lake write."""


class WatermarkConflict(RoutingError):
    """Another loader run moved the watermark first (its conditional write won)."""
