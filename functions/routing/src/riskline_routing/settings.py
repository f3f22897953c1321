"""The environment, read once into a frozen value (names in docs/CONTRACTS.md)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from .errors import ConfigurationError

BACKENDS = ("redshift", "duckdb")
# stream: the stream handler upserts the warehouse per batch; scheduled: it logs each batch's lake
# objects under LOAD_LOG_PREFIX and `riskline_routing.loader` loads them on a schedule.
LOAD_MODES = ("stream", "scheduled")

# Attribute → environment variable, so an error can name the variable the operator must set.
_ENV_NAMES = {
    "lake_bucket": "LAKE_BUCKET",
    "lake_prefix": "LAKE_PREFIX",
    "applicant_key_secret_arn": "APPLICANT_KEY_SECRET_ARN",
    "warehouse_backend": "WAREHOUSE_BACKEND",
    "redshift_workgroup": "REDSHIFT_WORKGROUP",
    "redshift_database": "REDSHIFT_DATABASE",
    "redshift_copy_role_arn": "REDSHIFT_COPY_ROLE_ARN",
    "duckdb_path": "WAREHOUSE_DUCKDB_PATH",
    "warehouse_load_mode": "WAREHOUSE_LOAD_MODE",
    "load_log_prefix": "LOAD_LOG_PREFIX",
    "loader_settle_seconds": "LOADER_SETTLE_SECONDS",
    # The redrive command's (the handler reads neither): the source of truth and the failure queue.
    "applications_table": "APPLICATIONS_TABLE",
    "failure_queue_url": "ROUTING_FAILURE_QUEUE_URL",
}


@dataclass(frozen=True)
class Settings:
    """Missing values stay None here and fail, naming their variable, only where they are used:
    importing the handler must work anywhere (packaging checks, cold-start bench)."""

    lake_bucket: str | None = None
    lake_prefix: str = "applications"
    applicant_key_secret_arn: str | None = None
    warehouse_backend: str = "redshift"
    redshift_workgroup: str | None = None
    redshift_database: str | None = None
    redshift_copy_role_arn: str | None = None
    duckdb_path: str | None = None
    warehouse_load_mode: str = "stream"
    load_log_prefix: str = "load-log"
    loader_settle_seconds: int = 120
    applications_table: str | None = None
    failure_queue_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        values = {f.name: env[_ENV_NAMES[f.name]] for f in fields(cls) if env.get(_ENV_NAMES[f.name])}
        if "lake_prefix" in values:
            values["lake_prefix"] = values["lake_prefix"].strip("/")
        if "load_log_prefix" in values:
            values["load_log_prefix"] = values["load_log_prefix"].strip("/")
        if "loader_settle_seconds" in values:
            raw = values["loader_settle_seconds"]
            if not raw.isdigit():
                raise ConfigurationError("LOADER_SETTLE_SECONDS must be a whole number of seconds")
            values["loader_settle_seconds"] = int(raw)
        settings = cls(**values)
        if settings.warehouse_backend not in BACKENDS:
            raise ConfigurationError(f"WAREHOUSE_BACKEND must be one of {', '.join(BACKENDS)}")
        if settings.warehouse_load_mode not in LOAD_MODES:
            raise ConfigurationError(f"WAREHOUSE_LOAD_MODE must be one of {', '.join(LOAD_MODES)}")
        if not settings.load_log_prefix or settings.load_log_prefix == settings.lake_prefix:
            raise ConfigurationError("LOAD_LOG_PREFIX must be set and differ from LAKE_PREFIX")
        return settings

    def require(self, name: str) -> str:
        value = getattr(self, name)
        if not value:
            raise ConfigurationError(f"{_ENV_NAMES[name]} is not set")
        return value
