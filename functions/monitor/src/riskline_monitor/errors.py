"""The monitor's failures, each naming what the operator must fix."""

from riskline_runtime.settings import ConfigurationError

__all__ = ["BaselineMissing", "ConfigurationError", "MonitorError"]


class MonitorError(RuntimeError):
    pass


class BaselineMissing(MonitorError):
    pass
