"""The environment, read once into a frozen value (names in docs/CONTRACTS.md)."""

from collections.abc import Mapping
from dataclasses import dataclass

from riskline_runtime.settings import ConfigurationError, Environment, LakeSettings

BACKENDS = ("redshift", "duckdb")
# stream: the stream handler upserts the warehouse per batch; scheduled: it logs each batch's lake
# objects under LOAD_LOG_PREFIX and `riskline_routing.loader` loads them on a schedule.
LOAD_MODES = ("stream", "scheduled")


@dataclass(frozen=True)
class Settings(LakeSettings):
    """Missing values stay None here and fail, naming their variable, only where they are used:
    importing the handler must work anywhere (packaging checks, cold-start bench)."""

    VARIABLES = LakeSettings.VARIABLES | {
        "applicant_key_secret_arn": "APPLICANT_KEY_SECRET_ARN",
        "redshift_workgroup": "REDSHIFT_WORKGROUP",
        "redshift_database": "REDSHIFT_DATABASE",
        "redshift_copy_role_arn": "REDSHIFT_COPY_ROLE_ARN",
        "duckdb_path": "WAREHOUSE_DUCKDB_PATH",
        # The redrive command's (the handler reads neither): the source of truth and the failure queue.
        "applications_table": "APPLICATIONS_TABLE",
        "failure_queue_url": "ROUTING_FAILURE_QUEUE_URL",
    }

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
        read = Environment(env)
        settings = cls(
            **({field: read.optional(variable) for field, variable in cls.VARIABLES.items()} | cls.lake_values(read)),
            warehouse_backend=read.one_of("WAREHOUSE_BACKEND", BACKENDS, "redshift"),
            warehouse_load_mode=read.one_of("WAREHOUSE_LOAD_MODE", LOAD_MODES, "stream"),
            load_log_prefix=read.prefix("LOAD_LOG_PREFIX", "load-log"),
            loader_settle_seconds=read.whole_number("LOADER_SETTLE_SECONDS", 120),
        )
        if not settings.load_log_prefix or settings.load_log_prefix == settings.lake_prefix:
            raise ConfigurationError("LOAD_LOG_PREFIX must be set and differ from LAKE_PREFIX")
        return settings
