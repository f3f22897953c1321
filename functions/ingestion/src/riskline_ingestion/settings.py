"""The environment, read once into a frozen value (names from docs/CONTRACTS.md)."""

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    applications_table: str
    idempotency_table: str
    scoring_queue_url: str
    etl_function_name: str
    scoring_timeout_ms: int


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value


@cache
def settings() -> Settings:
    return Settings(
        applications_table=os.environ["APPLICATIONS_TABLE"],
        idempotency_table=os.environ["IDEMPOTENCY_TABLE"],
        scoring_queue_url=os.environ["SCORING_QUEUE_URL"],
        etl_function_name=os.environ["ETL_FUNCTION_NAME"],
        scoring_timeout_ms=_positive_int("SCORING_TIMEOUT_MS", 2500),
    )
