"""The scoring queue: ScoringRequest messages the etl function consumes to score stored applications."""

from typing import Any

from riskline_runtime.observability import logger
from riskline_schema import ScoringRequest

_SQS_BATCH = 10  # SendMessageBatch's limit


class ScoringQueue:
    def __init__(self, client: Any, queue_url: str):
        self._client = client
        self._url = queue_url

    def send_all(self, requests: list[ScoringRequest]) -> list[str]:
        """Queue every request; returns the application ids whose message could not be sent."""
        from botocore.exceptions import BotoCoreError, ClientError

        failed: list[str] = []
        for start in range(0, len(requests), _SQS_BATCH):
            chunk = requests[start : start + _SQS_BATCH]
            entries = [{"Id": str(i), "MessageBody": r.model_dump_json()} for i, r in enumerate(chunk)]
            try:
                response = self._client.send_message_batch(QueueUrl=self._url, Entries=entries)
            except (BotoCoreError, ClientError) as exc:
                logger.warning("scoring queue send failed", extra={"error": type(exc).__name__, "count": len(chunk)})
                failed.extend(r.application_id for r in chunk)
                continue
            for failure in response.get("Failed", []):
                failed.append(chunk[int(failure["Id"])].application_id)
        return failed
