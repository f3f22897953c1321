"""The one AWS adapter the scoring core needs: sagemaker-runtime InvokeEndpoint.

botocore's own retries are switched off so that this module alone decides what is retried:
throttling, 5xx and timeouts get a bounded number of attempts with full-jitter backoff inside an
overall deadline; a 4xx (including a container's 4xx relayed as ModelError) is never retried,
since the same payload would be rejected again — it becomes a `model_rejected` failure.
"""

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from riskline_runtime.clients import lazy
from riskline_schema import ModelInput

from .errors import ScoringFailure
from .settings import Settings

# Error codes meaning "slow down": SageMaker's ModelNotReadyException is a 429; the generic
# AWS throttling codes arrive as 400s, so they must be matched by code, not status.
_THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ModelNotReadyException"}
)
_BASE_DELAY_S = 0.05
_MAX_DELAY_S = 1.0
_MAX_DETAIL = 500


@dataclass(frozen=True, slots=True)
class EndpointAnswer:
    prediction: dict[str, Any]
    latency_ms: float  # from the first attempt to the answer, retries included: what the caller waited
    attempts: int


def make_client(settings: Settings) -> Any:
    """A sagemaker-runtime client with per-attempt timeouts and botocore retries off (ours are below),
    made on the first prediction."""
    timeout_s = settings.endpoint_timeout_ms / 1000
    return lazy("sagemaker-runtime", connect_timeout_s=timeout_s, read_timeout_s=timeout_s, max_attempts=1)


class Endpoint:
    def __init__(
        self,
        client: Any,
        endpoint_name: str,
        *,
        timeout_ms: int,
        max_attempts: int,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._name = endpoint_name
        self._timeout_s = timeout_ms / 1000
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter

    @classmethod
    def from_settings(cls, settings: Settings, client: Any | None = None, **kwargs: Any) -> "Endpoint":
        return cls(
            client if client is not None else make_client(settings),
            settings.endpoint_name or "",
            timeout_ms=settings.endpoint_timeout_ms,
            max_attempts=settings.endpoint_max_attempts,
            **kwargs,
        )

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    def predict(self, model_input: ModelInput, *, deadline: float | None = None) -> EndpointAnswer:
        """One prediction for one input. `deadline` is a `clock()` value after which no new attempt starts."""
        raw, content_type, latency_ms, attempts = self._invoke(
            model_input.model_dump_json(), "application/json", deadline
        )
        return EndpointAnswer(
            prediction=_single_prediction(raw, content_type), latency_ms=latency_ms, attempts=attempts
        )

    def predict_many(self, model_inputs: list[ModelInput], *, deadline: float | None = None) -> list[EndpointAnswer]:
        """One prediction per input, in order, from one JSON Lines request (CONTRACTS: several records
        in one request). All or nothing, as the container answers: one failure fails them all."""
        if not model_inputs:
            return []
        body = "\n".join(m.model_dump_json() for m in model_inputs) + "\n"
        raw, content_type, latency_ms, attempts = self._invoke(body, "application/jsonlines", deadline)
        predictions = _predictions(raw, content_type)
        if len(predictions) != len(model_inputs):
            raise ScoringFailure(
                "endpoint_error",
                f"endpoint answered {len(predictions)} predictions for {len(model_inputs)} inputs",
                retryable=False,
            )
        # Each record waited for the whole request: that is its latency.
        return [EndpointAnswer(prediction=p, latency_ms=latency_ms, attempts=attempts) for p in predictions]

    def _invoke(self, body: str, content_type: str, deadline: float | None) -> tuple[bytes, str, float, int]:
        """The body, its content type, the latency in ms (retries included) and the attempts made."""
        if not self._name:
            raise ScoringFailure("endpoint_error", "SAGEMAKER_ENDPOINT_NAME is not set", retryable=False)
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.invoke_endpoint(
                    EndpointName=self._name,
                    ContentType=content_type,
                    Accept=content_type,
                    Body=body,
                )
                raw = response["Body"].read()
                answered_type = str(response.get("ContentType", content_type))
                break
            except (ClientError, BotoCoreError) as exc:
                failure = _classify(exc, self._timeout_s)
                if not failure.retryable or attempt >= self._max_attempts:
                    raise _with_attempts(failure, attempt) from exc
                delay = self._jitter() * min(_MAX_DELAY_S, _BASE_DELAY_S * 2 ** (attempt - 1))
                # Start another attempt only if it can run its full timeout before the deadline.
                if deadline is not None and self._clock() + delay + self._timeout_s > deadline:
                    raise _with_attempts(failure, attempt, "deadline reached") from exc
                self._sleep(delay)
        return raw, answered_type, round((self._clock() - started) * 1000, 3), attempt


def _with_attempts(failure: ScoringFailure, attempts: int, why: str = "") -> ScoringFailure:
    note = f" (after {attempts} attempt{'s' if attempts > 1 else ''}{'; ' + why if why else ''})"
    return ScoringFailure(failure.kind, failure.message + note, retryable=failure.retryable)


def _classify(exc: Exception, timeout_s: float) -> ScoringFailure:
    if isinstance(exc, (ReadTimeoutError, ConnectTimeoutError)):
        return ScoringFailure("timeout", f"endpoint gave no answer within {timeout_s * 1000:.0f} ms", retryable=True)
    if isinstance(exc, (EndpointConnectionError, ConnectionClosedError)):
        return ScoringFailure("endpoint_error", f"endpoint connection failed: {exc}", retryable=True)
    if not isinstance(exc, ClientError):
        # Credentials, region, parameter validation...: configuration, not a transient fault.
        return ScoringFailure("endpoint_error", f"endpoint call failed: {type(exc).__name__}: {exc}", retryable=False)
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    message = str(error.get("Message", ""))[:_MAX_DETAIL]
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code in _THROTTLING_CODES or status == 429:
        return ScoringFailure("throttled", f"endpoint throttled the request ({code})", retryable=True)
    if code == "ModelError":
        # The container's own status travels in OriginalStatusCode; its body names the problem.
        original = int(exc.response.get("OriginalStatusCode") or 0)
        detail = _container_error(exc.response.get("OriginalMessage")) or message
        if 400 <= original < 500 and original != 429:
            return ScoringFailure("model_rejected", f"model rejected the input ({original}): {detail}", retryable=False)
        if original == 429:
            return ScoringFailure("throttled", f"model container throttled the request: {detail}", retryable=True)
        return ScoringFailure("endpoint_error", f"model container failed ({original or 'no status'}): {detail}", True)
    if status >= 500:
        return ScoringFailure("endpoint_error", f"endpoint failed ({code}, HTTP {status}): {message}", retryable=True)
    return ScoringFailure("model_rejected", f"endpoint rejected the request ({code}): {message}", retryable=False)


def _container_error(original_message: object) -> str:
    """The `{"error": "..."}` text a serving stage answers with (CONTRACTS), else the raw text."""
    if not isinstance(original_message, str):
        return ""
    try:
        doc = json.loads(original_message)
    except ValueError:
        return original_message[:_MAX_DETAIL]
    if isinstance(doc, dict) and isinstance(doc.get("error"), str):
        return doc["error"][:_MAX_DETAIL]
    return original_message[:_MAX_DETAIL]


def _predictions(raw: bytes, content_type: str) -> list[dict[str, Any]]:
    """The predictions of a `{"predictions": [...]}` body, or of a JSON Lines body (CONTRACTS)."""
    try:
        if content_type.split(";")[0].strip() in ("application/jsonlines", "application/x-jsonlines"):
            predictions: object = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            doc = json.loads(raw)
            predictions = doc.get("predictions") if isinstance(doc, dict) else None
    except ValueError:
        raise ScoringFailure("endpoint_error", f"endpoint answered a body that is not {content_type}", False) from None
    if not isinstance(predictions, list) or not all(isinstance(p, dict) for p in predictions):
        raise ScoringFailure("endpoint_error", "endpoint answered no predictions list of objects", False)
    return predictions


def _single_prediction(raw: bytes, content_type: str) -> dict[str, Any]:
    predictions = _predictions(raw, content_type)
    if len(predictions) != 1:
        raise ScoringFailure(
            "endpoint_error",
            f"endpoint answered {len(predictions)} predictions for one input (expected exactly 1)",
            False,
        )
    return predictions[0]
