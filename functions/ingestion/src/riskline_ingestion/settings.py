"""The environment, read once into a frozen value (names from docs/CONTRACTS.md)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from riskline_runtime.settings import ConfigurationError, Environment

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


def _key_channels(read: Environment, name: str) -> Mapping[str, str]:
    """`{"<api key id>": "<channel>", …}`; unset means no key is bound, so no keyed submission is taken."""
    value = read.json_object(name, what="a JSON object of API key id → channel")
    if not all(isinstance(k, str) and k for k in value):
        raise ConfigurationError(f"{name} must be a JSON object of API key id → channel")
    unknown = sorted({str(c) for c in value.values() if c not in CHANNELS})
    if unknown:
        raise ConfigurationError(f"{name} names unknown channels {unknown}; channels are {', '.join(CHANNELS)}")
    return value


@cache
def settings() -> Settings:
    read = Environment()
    return Settings(
        applications_table=read.required("APPLICATIONS_TABLE"),
        idempotency_table=read.required("IDEMPOTENCY_TABLE"),
        scoring_queue_url=read.required("SCORING_QUEUE_URL"),
        etl_function_name=read.required("ETL_FUNCTION_NAME"),
        scoring_timeout_ms=read.positive_int("SCORING_TIMEOUT_MS", 2500),
        channel_api_key_ids=_key_channels(read, "CHANNEL_API_KEY_IDS"),
        audit_grade_scale=parse_scale(read.text("AUDIT_GRADE_SCALE")),
        workbench_access_log_table=read.text("WORKBENCH_ACCESS_LOG_TABLE"),
        workbench_auditor_group=read.text("WORKBENCH_AUDITOR_GROUP", "auditors"),
    )
