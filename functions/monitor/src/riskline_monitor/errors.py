"""The monitor's failures, each naming what the operator must fix."""


class MonitorError(RuntimeError):
    pass


class ConfigurationError(MonitorError):
    pass


class BaselineMissing(MonitorError):
    pass
