"""The synchronous scoring call to the etl function, and the seam tests stub.

Contract (docs/CONTRACTS.md): payload `{"application": <Application JSON>}` in, `ScoringResult` JSON out.
Any failure — timeout, FunctionError, a typed error, an unparsable answer — means "not scored": the
caller stores the application as PENDING_SCORE and queues it, so nothing accepted is lost.
"""

from typing import Any, Protocol

from riskline_runtime.observability import logger
from riskline_schema import Application, RiskAssessment, ScoringResult


class Scorer(Protocol):
    def score(self, application: Application) -> RiskAssessment | None:
        """The assessment, or None when the application could not be scored now."""
        ...


class LambdaScorer:
    def __init__(self, client: Any, function_name: str):
        self._client = client
        self._function_name = function_name

    def score(self, application: Application) -> RiskAssessment | None:
        payload = b'{"application":' + application.model_dump_json().encode() + b"}"
        try:
            response = self._client.invoke(
                FunctionName=self._function_name, InvocationType="RequestResponse", Payload=payload
            )
            body = response["Payload"].read()
            if response.get("FunctionError"):
                logger.warning("scoring failed", extra={"failure": "function_error"})
                return None
            result = ScoringResult.model_validate_json(body)
        except Exception as exc:  # degradation boundary: every failure here means "score later"
            logger.warning("scoring failed", extra={"failure": type(exc).__name__})
            return None
        if result.error is not None:
            logger.warning("scoring failed", extra={"failure": result.error.kind, "retryable": result.error.retryable})
            return None
        assessment = result.assessment
        if assessment is None or assessment.application_id != application.application_id:
            logger.warning("scoring failed", extra={"failure": "assessment_for_another_application"})
            return None
        return assessment
