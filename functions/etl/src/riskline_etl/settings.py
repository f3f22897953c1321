"""The function's environment, read once at cold start into a frozen value."""

from collections.abc import Mapping
from dataclasses import dataclass

from riskline_runtime.settings import Environment, RequiresVariables


@dataclass(frozen=True, slots=True)
class Settings(RequiresVariables):
    # Names may be unset at import (e.g. the packaging import test); the code that needs one
    # reports its absence, naming the variable, at call time (`require`).
    VARIABLES = {"applications_table": "APPLICATIONS_TABLE", "endpoint_name": "SAGEMAKER_ENDPOINT_NAME"}

    applications_table: str | None = None
    endpoint_name: str | None = None
    endpoint_timeout_ms: int = 1500
    endpoint_max_attempts: int = 3

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        read = Environment(env)
        return cls(
            applications_table=read.optional("APPLICATIONS_TABLE"),
            endpoint_name=read.optional("SAGEMAKER_ENDPOINT_NAME"),
            endpoint_timeout_ms=read.positive_int("ENDPOINT_TIMEOUT_MS", 1500),
            endpoint_max_attempts=read.positive_int("ENDPOINT_MAX_ATTEMPTS", 3),
        )
