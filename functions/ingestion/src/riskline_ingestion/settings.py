"""The environment, read once into a frozen value (names from docs/CONTRACTS.md)."""

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from .grades import GradeScale, parse_scale

CHANNELS = ("webform", "mobile", "chatbot", "phone", "mail")


@dataclass(frozen=True)
class Settings:
    applications_table: str
    idempotency_table: str
    scoring_queue_url: str
    etl_function_name: str
    scoring_timeout_ms: int
    # API key id → the channel it belongs to (ids, never key values: nothing secret in the environment).
    channel_api_key_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    audit_grade_scale: GradeScale = field(default_factory=lambda: parse_scale(""))
    # The auditors' workbench: its append-only access log table and the user-pool group it admits.
    workbench_access_log_table: str = ""
    workbench_auditor_group: str = "auditors"


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value


def _key_channels(name: str) -> Mapping[str, str]:
    """`{"<api key id>": "<channel>", …}`; unset means no key is bound, so no keyed submission is taken."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return MappingProxyType({})
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValueError(f"{name} must be a JSON object of API key id → channel") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and k for k in value):
        raise ValueError(f"{name} must be a JSON object of API key id → channel")
    unknown = sorted({str(c) for c in value.values() if c not in CHANNELS})
    if unknown:
        raise ValueError(f"{name} names unknown channels {unknown}; channels are {', '.join(CHANNELS)}")
    return MappingProxyType(dict(value))


@cache
def settings() -> Settings:
    return Settings(
        applications_table=os.environ["APPLICATIONS_TABLE"],
        idempotency_table=os.environ["IDEMPOTENCY_TABLE"],
        scoring_queue_url=os.environ["SCORING_QUEUE_URL"],
        etl_function_name=os.environ["ETL_FUNCTION_NAME"],
        scoring_timeout_ms=_positive_int("SCORING_TIMEOUT_MS", 2500),
        channel_api_key_ids=_key_channels("CHANNEL_API_KEY_IDS"),
        audit_grade_scale=parse_scale(os.environ.get("AUDIT_GRADE_SCALE", "")),
        workbench_access_log_table=os.environ.get("WORKBENCH_ACCESS_LOG_TABLE", ""),
        workbench_auditor_group=os.environ.get("WORKBENCH_AUDITOR_GROUP", "").strip() or "auditors",
    )
