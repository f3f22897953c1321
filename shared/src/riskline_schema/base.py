"""Common model configuration and field types."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Timezone-aware on the way in (a naive timestamp is ambiguous and rejected), UTC inside.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StrictModel(BaseModel):
    """Every riskline model: unknown fields are errors, strings are trimmed, values immutable."""

    # defer_build: a model's validator is built on its first use, not at import — a handler
    # touches a handful of the schema's models, and building all of them was most of its import.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, defer_build=True)
