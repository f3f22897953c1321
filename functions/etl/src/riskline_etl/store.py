"""The applications table as the SQS path needs it: read one item, write its assessment conditionally."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import ValidationError

from riskline_schema import ApplicationRecord, ApplicationStatus, RiskAssessment, format_problems
from riskline_schema.review import REVIEW_QUEUE, REVIEW_SINCE

from .errors import ConfigurationError, UnreadableItem

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@dataclass(frozen=True, slots=True)
class StoredApplication:
    record: ApplicationRecord
    # The stored `assessment.scored_at` exactly as written: a rescore is conditional on it
    # (comparing the raw value avoids any datetime re-formatting mismatch).
    scored_at_raw: str | None


class ApplicationsTable:
    """A low-level DynamoDB client (cheaper to create at cold start than a boto3 resource)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def _name(self) -> str:
        if not self._table:
            raise ConfigurationError("APPLICATIONS_TABLE is not set")
        return self._table

    def get(self, application_id: str) -> StoredApplication | None:
        response = self._client.get_item(
            TableName=self._name(), Key={"application_id": {"S": application_id}}, ConsistentRead=True
        )
        raw = response.get("Item")
        if raw is None:
            return None
        item = {key: _deserializer.deserialize(value) for key, value in raw.items()}
        assessment = item.get("assessment")
        scored_at = assessment.get("scored_at") if isinstance(assessment, dict) else None
        try:
            record = ApplicationRecord.from_item(item)
        except ValidationError as exc:
            # Field names and problems only: pydantic's own text would carry the applicant's data.
            problems = format_problems(exc)
            raise UnreadableItem(f"item {application_id} is not a valid ApplicationRecord: {problems}") from None
        return StoredApplication(record=record, scored_at_raw=scored_at)

    def save_assessment(self, stored: StoredApplication, assessment: RiskAssessment, now: datetime) -> bool:
        """Mark the item SCORED with `assessment`; False when another writer changed it first.

        The condition: an item still PENDING_SCORE for a first scoring; for a rescore, the very
        assessment being replaced (so two rescorers cannot overwrite each other blindly).
        """
        record = stored.record
        # Serialise through ApplicationRecord.to_item so the stored shapes match ingestion's exactly.
        item = record.model_copy(
            update={"status": ApplicationStatus.SCORED, "assessment": assessment, "updated_at": now}
        ).to_item()
        names = {"#status": "status", "#assessment": "assessment", "#updated_at": "updated_at"}
        values: dict[str, Any] = {
            ":scored": item["status"],
            ":assessment": item["assessment"],
            ":updated_at": item["updated_at"],
            ":one": 1,
        }
        if record.status is ApplicationStatus.PENDING_SCORE:
            condition = "#status = :pending"
            values[":pending"] = ApplicationStatus.PENDING_SCORE.value
        elif stored.scored_at_raw is not None:
            condition = "#assessment.#scored_at = :previous"
            names["#scored_at"] = "scored_at"
            values[":previous"] = stored.scored_at_raw
        else:
            condition = "attribute_not_exists(#assessment)"
        # The review-queue index attributes follow the new assessment (to_item derives them).
        sets = ["#status = :scored", "#assessment = :assessment", "#updated_at = :updated_at"]
        names |= {"#review_queue": REVIEW_QUEUE, "#review_since": REVIEW_SINCE}
        if REVIEW_QUEUE in item:
            sets += ["#review_queue = :review_queue", "#review_since = :review_since"]
            values |= {":review_queue": item[REVIEW_QUEUE], ":review_since": item[REVIEW_SINCE]}
            remove = ""
        else:
            remove = " REMOVE #review_queue, #review_since"
        try:
            self._client.update_item(
                TableName=self._name(),
                Key={"application_id": {"S": record.application_id}},
                UpdateExpression=f"SET {', '.join(sets)} ADD scoring_attempts :one{remove}",
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={key: _serializer.serialize(value) for key, value in values.items()},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
