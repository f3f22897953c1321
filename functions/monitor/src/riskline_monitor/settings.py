"""The environment, read once into a frozen value (names in docs/CONTRACTS.md)."""

from collections.abc import Mapping
from dataclasses import dataclass

from riskline_runtime.settings import Environment, LakeSettings

from .drift import DEFAULT_PSI_THRESHOLD


@dataclass(frozen=True)
class Settings(LakeSettings):
    VARIABLES = LakeSettings.VARIABLES | {"model_version": "MODEL_VERSION", "environment": "RISKLINE_ENVIRONMENT"}

    model_version: str | None = None
    models_prefix: str = "models"
    report_prefix: str = "monitoring/drift"
    namespace: str = "riskline/drift"
    window_days: int = 7
    psi_threshold: float = DEFAULT_PSI_THRESHOLD
    environment: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        read = Environment(env)
        return cls(
            **cls.lake_values(read),
            model_version=read.optional("MODEL_VERSION"),
            environment=read.optional("RISKLINE_ENVIRONMENT"),
            models_prefix=read.prefix("MODELS_PREFIX", "models"),
            report_prefix=read.prefix("REPORT_PREFIX", "monitoring/drift"),
            namespace=read.text("MONITOR_NAMESPACE", "riskline/drift"),
            window_days=read.positive_int("WINDOW_DAYS", 7),
            psi_threshold=read.number("PSI_THRESHOLD", DEFAULT_PSI_THRESHOLD),
        )
