"""The environment, read once into a frozen value (names in docs/CONTRACTS.md)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .drift import DEFAULT_PSI_THRESHOLD
from .errors import ConfigurationError

_ENV_NAMES = {
    "lake_bucket": "LAKE_BUCKET",
    "lake_prefix": "LAKE_PREFIX",
    "model_version": "MODEL_VERSION",
    "models_prefix": "MODELS_PREFIX",
    "report_prefix": "REPORT_PREFIX",
    "namespace": "MONITOR_NAMESPACE",
    "window_days": "WINDOW_DAYS",
    "psi_threshold": "PSI_THRESHOLD",
    "environment": "RISKLINE_ENVIRONMENT",
}


@dataclass(frozen=True)
class Settings:
    lake_bucket: str | None = None
    lake_prefix: str = "applications"
    model_version: str | None = None
    models_prefix: str = "models"
    report_prefix: str = "monitoring/drift"
    namespace: str = "riskline/drift"
    window_days: int = 7
    psi_threshold: float = DEFAULT_PSI_THRESHOLD
    environment: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, object] = {k: env[v] for k, v in _ENV_NAMES.items() if env.get(v)}
        try:
            if "window_days" in values:
                values["window_days"] = int(str(values["window_days"]))
            if "psi_threshold" in values:
                values["psi_threshold"] = float(str(values["psi_threshold"]))
        except ValueError as exc:
            raise ConfigurationError(f"WINDOW_DAYS / PSI_THRESHOLD must be numbers: {exc}") from None
        for key in ("lake_prefix", "models_prefix", "report_prefix"):
            if key in values:
                values[key] = str(values[key]).strip("/")
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.window_days < 1:
            raise ConfigurationError("WINDOW_DAYS must be at least 1")
        return settings

    def require(self, name: str) -> str:
        value = getattr(self, name)
        if not value:
            raise ConfigurationError(f"{_ENV_NAMES[name]} is not set")
        return value
