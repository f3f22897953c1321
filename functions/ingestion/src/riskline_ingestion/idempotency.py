"""Exactly-once answers: powertools idempotency on the IDEMPOTENCY_TABLE, keyed per channel.

Keys are hashed here (sha256) before powertools sees them, so no PII-derived text ever reaches a
table, a log line or a trace. Validation runs before this layer: a rejected payload writes nothing.
A failure raised by the work (e.g. the store is down) deletes the in-progress record, so a retry
runs again rather than replaying the failure.
"""

import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

from riskline_runtime.clients import client
from riskline_schema import Application

from .errors import Conflict, StoreUnavailable
from .settings import settings

ANSWER_TTL_SECONDS = 24 * 60 * 60

A = TypeVar("A", bound=BaseModel)


def digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def fingerprint(document: Any) -> str:
    """Same JSON content, same fingerprint (key order and whitespace do not matter)."""
    return digest(json.dumps(document, sort_keys=True, separators=(",", ":"), default=str))


def content_of(application: Application) -> str:
    """The fingerprint of what was applied for: everything but the id and the arrival time we assign."""
    return fingerprint(application.model_dump(mode="json", exclude={"application_id", "submitted_at"}))


@cache
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=settings().idempotency_table, boto3_client=client("dynamodb"))


@cache
def _config() -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="fingerprint",
        expires_after_seconds=ANSWER_TTL_SECONDS,
    )


@cache
def _runner(answer_type: type[BaseModel]) -> Callable[..., Any]:
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

    def run(*, request: dict[str, str], work: Callable[[], BaseModel]) -> BaseModel:
        return work()

    run.__qualname__ = f"run_once[{answer_type.__name__}]"  # part of the stored key: one namespace per answer
    return idempotent_function(
        run,
        data_keyword_argument="request",
        persistence_store=_persistence(),
        config=_config(),
        output_serializer=PydanticSerializer(model=answer_type),
    )


def run_once(key: str, work: Callable[[], A], answer_type: type[A], context: Any, payload: str | None = None) -> A:
    """Run `work` once per key and return its answer; a repeat of the key gets the stored answer.

    `payload` (a fingerprint) makes reusing a key for different content a 409 Conflict.
    """
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        _config().register_lambda_context(context)
    request = {"key": digest(key), "fingerprint": payload or "-"}
    try:
        return _runner(answer_type)(request=request, work=work)
    except IdempotencyValidationError:
        raise Conflict("this Idempotency-Key was already used for a different request") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("the same request is still being processed; retry shortly") from None
    except IdempotencyPersistenceLayerError as exc:
        raise StoreUnavailable("the idempotency store is unavailable; nothing was accepted") from exc
