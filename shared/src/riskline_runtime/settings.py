"""A function's environment, read once into frozen settings whose every error names its variable.

`Environment` reads and checks one variable at a time; `RequiresVariables` is the mixin for settings
that may be built without a value (an import must work anywhere: packaging checks, the cold-start
bench) and fail only where the value is used, naming the variable the operator must set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")


class ConfigurationError(ValueError):
    """A variable is missing or malformed; the message names it and says what it must be."""


def require(value: T | None, variable: str) -> T:
    """`value`, or a ConfigurationError saying `variable` is not set."""
    if value is None or value == "":
        raise ConfigurationError(f"{variable} is not set")
    return value


class Environment:
    """Typed reads of the process environment (or any mapping, for tests); unset and blank are alike."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env

    def optional(self, name: str) -> str | None:
        return self._env.get(name, "").strip() or None

    def text(self, name: str, default: str = "") -> str:
        return self.optional(name) or default

    def required(self, name: str) -> str:
        return require(self.optional(name), name)

    def prefix(self, name: str, default: str) -> str:
        """An S3 key prefix without its leading or trailing slashes."""
        return (self.optional(name) or default).strip("/")

    def positive_int(self, name: str, default: int) -> int:
        return self._int(name, default, minimum=1, what="a positive integer")

    def whole_number(self, name: str, default: int) -> int:
        return self._int(name, default, minimum=0, what="a whole number")

    def number(self, name: str, default: float) -> float:
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            return float(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None

    def one_of(self, name: str, choices: Iterable[str], default: str) -> str:
        allowed = tuple(choices)
        value = self.text(name, default)
        if value not in allowed:
            raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        return value

    def json_object(self, name: str, what: str = "a JSON object") -> Mapping[str, Any]:
        """A read-only JSON object; unset means empty."""
        raw = self.optional(name)
        if raw is None:
            return MappingProxyType({})
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ConfigurationError(f"{name} must be {what}")
        return MappingProxyType(value)

    def _int(self, name: str, default: int, *, minimum: int, what: str) -> int:
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ConfigurationError(f"{name} must be {what}, got {raw!r}")
        return value


class RequiresVariables:
    """For frozen settings whose optional fields are needed on some paths only: `require(field)`."""

    # field name → the environment variable it is read from, so an error names what to set.
    VARIABLES: ClassVar[Mapping[str, str]] = {}

    def require(self, field: str) -> str:
        return require(getattr(self, field), self.VARIABLES[field])


@dataclass(frozen=True)
class LakeSettings(RequiresVariables):
    """Where the data lake is (LAKE_BUCKET, LAKE_PREFIX): the settings every lake reader starts from."""

    VARIABLES: ClassVar[Mapping[str, str]] = {"lake_bucket": "LAKE_BUCKET"}

    lake_bucket: str | None = None
    lake_prefix: str = "applications"

    @staticmethod
    def lake_values(read: Environment) -> dict[str, Any]:
        return {"lake_bucket": read.optional("LAKE_BUCKET"), "lake_prefix": read.prefix("LAKE_PREFIX", "applications")}
