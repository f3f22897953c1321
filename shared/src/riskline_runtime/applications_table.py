"""The applications table, the one adapter every function uses (low-level DynamoDB client: cheaper
to create at cold start than a boto3 resource).

Every write is conditional, so nothing stored is overwritten blindly: a new item only where none
exists, an amendment only over the version read, an audit appended over the version read (retried
on a race), an assessment only over the state it replaces. Failures of the table itself raise
`unavailable`, a lost race that retries cannot settle `conflict`: the two exception types the caller
names when it builds the adapter, so each edge keeps its own meaning (ingestion answers 503 / 409,
the queue consumer fails the message and SQS redelivers it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from riskline_schema import ApplicationRecord, ApplicationStatus, AuditDecision, RiskAssessment, format_problems
from riskline_schema.review import REVIEW_QUEUE, REVIEW_SINCE

from .settings import require

_NOT_STORED_YET = "attribute_not_exists(application_id)"


class TableUnavailable(Exception):
    """The table refused or could not be reached: nothing was written."""


class TableConflict(Exception):
    """The item kept changing while a write was conditioned on it."""


class UnreadableItem(Exception):
    """A stored item that does not parse as an ApplicationRecord (reported by field, never by value)."""


@dataclass(frozen=True, slots=True)
class StoredApplication:
    record: ApplicationRecord
    # Both exactly as stored: conditions compare them raw, so no datetime re-formatting can miss.
    updated_at_raw: str
    scored_at_raw: str | None


def stamp_after(now: datetime, previous: ApplicationRecord) -> datetime:
    """The `updated_at` of a write over `previous`: `now`, or just after `previous` when that is later.

    A writer's clock reading can predate the version it finally writes over (an audit request that
    started before the scorer's write, then re-read it on the race): versions must still increase,
    since the lake and the warehouse keep the newest `updated_at` of each application.
    """
    return max(now, previous.updated_at + timedelta(microseconds=1))


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _to_attributes(document: dict[str, Any]) -> dict[str, Any]:
    serialize = _serializer().serialize
    return {key: serialize(value) for key, value in document.items()}


def from_attributes(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB JSON (`{"S": ...}`) → Python values, numbers as Decimal: as a table resource reads an item."""
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def _condition_failed(exc: Exception) -> bool:
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "") == "ConditionalCheckFailedException"


def _parse(item: dict[str, Any], application_id: str) -> ApplicationRecord:
    try:
        return ApplicationRecord.from_item(item)
    except ValidationError as exc:
        # Field names and problems only: pydantic's own text would carry the applicant's data.
        raise UnreadableItem(
            f"item {application_id} is not a valid ApplicationRecord: {format_problems(exc)}"
        ) from None


class ApplicationsTable:
    def __init__(
        self,
        client: Any,
        table_name: str | None,
        *,
        unavailable: type[Exception] = TableUnavailable,
        conflict: type[Exception] = TableConflict,
    ) -> None:
        self._client = client
        self._table_name = table_name
        self._unavailable = unavailable
        self._conflict = conflict

    @property
    def _table(self) -> str:
        return require(self._table_name, "APPLICATIONS_TABLE")

    def _call(self, operation: str, failure: str, **request: Any) -> Any | None:
        """The client call; None when its condition failed; `unavailable` naming `failure` otherwise."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, operation)(TableName=self._table, **request)
        except ClientError as exc:
            if _condition_failed(exc):
                return None
            raise self._unavailable(f"the application store refused {failure}") from exc
        except BotoCoreError as exc:
            raise self._unavailable(f"the application store is unreachable: {failure}") from exc

    # -- reads -------------------------------------------------------------------------------------

    def read(self, application_id: str) -> StoredApplication | None:
        """The item (consistent read) with the raw values later writes are conditioned on."""
        response = self._call(
            "get_item",
            "the read",
            Key={"application_id": {"S": application_id}},
            ConsistentRead=True,
        )
        raw = (response or {}).get("Item")
        if not raw:
            return None
        item = from_attributes(raw)
        assessment = item.get("assessment")
        return StoredApplication(
            record=_parse(item, application_id),
            updated_at_raw=raw["updated_at"]["S"],
            scored_at_raw=assessment.get("scored_at") if isinstance(assessment, dict) else None,
        )

    def get(self, application_id: str) -> ApplicationRecord | None:
        found = self.read(application_id)
        return found.record if found else None

    # -- ingestion's writes ------------------------------------------------------------------------

    def put_new(self, record: ApplicationRecord) -> bool:
        """Store a new item; False when an item with that id already exists (left untouched)."""
        response = self._call(
            "put_item",
            "the write; nothing was accepted",
            Item=_to_attributes(record.to_item()),
            ConditionExpression=_NOT_STORED_YET,
        )
        return response is not None

    def replace(self, record: ApplicationRecord, *, expected_updated_at: str) -> bool:
        """Overwrite an item only if nobody changed it since it was read (`updated_at_raw` from `read`);
        False if someone did."""
        response = self._call(
            "put_item",
            "the amendment; nothing was changed",
            Item=_to_attributes(record.to_item()),
            ConditionExpression="#updated_at = :expected",
            ExpressionAttributeNames={"#updated_at": "updated_at"},
            ExpressionAttributeValues={":expected": {"S": expected_updated_at}},
        )
        return response is not None

    def put_all_new(self, records: list[ApplicationRecord]) -> None:
        """Store up to 100 new items in one transaction: all of them or none."""
        from botocore.exceptions import BotoCoreError, ClientError

        items = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _to_attributes(r.to_item()),
                    "ConditionExpression": _NOT_STORED_YET,
                }
            }
            for r in records
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable("the application store refused the batch; nothing was accepted") from exc

    def append_audit(self, decision: AuditDecision, now: datetime, attempts: int = 3) -> ApplicationRecord | None:
        """Append the decision to the item's `audits` history and make it the `audit` label.

        None when no such application exists (nothing is created). The write is conditioned on the
        item being unchanged since it was read, and read again on a race.
        """
        serialize = _serializer().serialize
        for _ in range(attempts):
            found = self.read(decision.application_id)
            if found is None:
                return None
            record = found.record
            # Items from before the history existed keep their one decision as its first entry.
            history = [*(record.audits or ([record.audit] if record.audit else [])), decision]
            documents = [d.model_dump(mode="json", exclude_none=True) for d in history]
            response = self._call(
                "update_item",
                "the audit update",
                Key={"application_id": {"S": decision.application_id}},
                # An audited application leaves the review queue (its sparse index attributes go).
                UpdateExpression=(
                    "SET #audit = :audit, #audits = :audits, #updated_at = :now REMOVE #review_queue, #review_since"
                ),
                ConditionExpression="#updated_at = :read",
                ExpressionAttributeNames={
                    "#audit": "audit",
                    "#audits": "audits",
                    "#updated_at": "updated_at",
                    "#review_queue": REVIEW_QUEUE,
                    "#review_since": REVIEW_SINCE,
                },
                ExpressionAttributeValues={
                    ":audit": serialize(documents[-1]),
                    ":audits": serialize(documents),
                    ":now": {"S": stamp_after(now, record).isoformat()},
                    ":read": {"S": found.updated_at_raw},
                },
                ReturnValues="ALL_NEW",
            )
            if response is not None:
                return ApplicationRecord.from_item(from_attributes(response["Attributes"]))
        raise self._conflict("the application kept changing while the decision was recorded; send it again")

    # -- the scorer's write ------------------------------------------------------------------------

    def save_assessment(self, stored: StoredApplication, assessment: RiskAssessment, now: datetime) -> bool:
        """Mark the item SCORED with `assessment`; False when another writer changed it first.

        The condition: the version read is still the stored one (an audit or an amendment meanwhile
        fails it: the caller reads again), and it is still PENDING_SCORE for a first scoring; for a
        rescore, the very assessment being replaced (so two rescorers cannot overwrite each other).
        """
        record = stored.record
        # Serialised through ApplicationRecord.to_item so the stored shapes match ingestion's exactly.
        stamp = stamp_after(now, record)
        item = record.model_copy(
            update={"status": ApplicationStatus.SCORED, "assessment": assessment, "updated_at": stamp}
        ).to_item()
        names = {"#status": "status", "#assessment": "assessment", "#updated_at": "updated_at"}
        values: dict[str, Any] = {
            ":scored": item["status"],
            ":assessment": item["assessment"],
            ":updated_at": item["updated_at"],
            ":one": 1,
            ":read": stored.updated_at_raw,
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
        condition = f"#updated_at = :read AND {condition}"
        # The review-queue index attributes follow the new assessment (to_item derives them).
        sets = ["#status = :scored", "#assessment = :assessment", "#updated_at = :updated_at"]
        names |= {"#review_queue": REVIEW_QUEUE, "#review_since": REVIEW_SINCE}
        if REVIEW_QUEUE in item:
            sets += ["#review_queue = :review_queue", "#review_since = :review_since"]
            values |= {":review_queue": item[REVIEW_QUEUE], ":review_since": item[REVIEW_SINCE]}
            remove = ""
        else:
            remove = " REMOVE #review_queue, #review_since"
        serialize = _serializer().serialize
        response = self._call(
            "update_item",
            "the assessment",
            Key={"application_id": {"S": record.application_id}},
            UpdateExpression=f"SET {', '.join(sets)} ADD scoring_attempts :one{remove}",
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={key: serialize(value) for key, value in values.items()},
        )
        return response is not None
