"""The function's environment, read once at cold start into a frozen value."""

import os
from collections.abc import Mapping
from dataclasses import dataclass


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    # Names may be empty at import (e.g. the packaging import test); the code that needs one
    # reports its absence as a clear configuration error at call time.
    applications_table: str = ""
    endpoint_name: str = ""
    endpoint_timeout_ms: int = 1500
    endpoint_max_attempts: int = 3

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            applications_table=env.get("APPLICATIONS_TABLE", "").strip(),
            endpoint_name=env.get("SAGEMAKER_ENDPOINT_NAME", "").strip(),
            endpoint_timeout_ms=_positive_int(env, "ENDPOINT_TIMEOUT_MS", 1500),
            endpoint_max_attempts=_positive_int(env, "ENDPOINT_MAX_ATTEMPTS", 3),
        )
