"""The applications table: conditional writes only, so nothing stored is ever overwritten by ingestion."""

from datetime import datetime
from typing import Any

from riskline_schema import ApplicationRecord, AuditDecision
from riskline_schema.review import REVIEW_QUEUE, REVIEW_SINCE

from .errors import Conflict, StoreUnavailable

_NOT_STORED_YET = "attribute_not_exists(application_id)"


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _to_attributes(doc: dict[str, Any]) -> dict[str, Any]:
    serialize = _serializer().serialize
    return {key: serialize(value) for key, value in doc.items()}


def _from_attributes(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def _error_code(exc: Exception) -> str:
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "")


class ApplicationStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def put_new(self, record: ApplicationRecord) -> bool:
        """Store a new item; False when an item with that id already exists (left untouched)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_attributes(record.to_item()),
                ConditionExpression=_NOT_STORED_YET,
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise StoreUnavailable("the application store refused the write; nothing was accepted") from exc
        except BotoCoreError as exc:
            raise StoreUnavailable("the application store is unreachable; nothing was accepted") from exc
        return True

    def replace(self, record: ApplicationRecord, *, expected_updated_at: str) -> bool:
        """Overwrite an item only if nobody changed it since it was read (its `updated_at` attribute exactly as
        stored, from `get_for_update`); False if someone did."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_attributes(record.to_item()),
                ConditionExpression="#updated_at = :expected",
                ExpressionAttributeNames={"#updated_at": "updated_at"},
                ExpressionAttributeValues={":expected": {"S": expected_updated_at}},
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise StoreUnavailable("the application store refused the amendment; nothing was changed") from exc
        except BotoCoreError as exc:
            raise StoreUnavailable("the application store is unreachable; nothing was changed") from exc
        return True

    def put_all_new(self, records: list[ApplicationRecord]) -> None:
        """Store up to 100 new items in one transaction: all of them or none."""
        from botocore.exceptions import BotoCoreError, ClientError

        items = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _to_attributes(record.to_item()),
                    "ConditionExpression": _NOT_STORED_YET,
                }
            }
            for record in records
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable("the application store refused the batch; nothing was accepted") from exc

    def get(self, application_id: str) -> ApplicationRecord | None:
        found = self.get_for_update(application_id)
        return found[0] if found else None

    def get_for_update(self, application_id: str) -> tuple[ApplicationRecord, str] | None:
        """The item and its `updated_at` exactly as stored (the token `replace` conditions on)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.get_item(
                TableName=self._table, Key={"application_id": {"S": application_id}}, ConsistentRead=True
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable("the application store is unavailable") from exc
        item = response.get("Item")
        if not item:
            return None
        return ApplicationRecord.from_item(_from_attributes(item)), item["updated_at"]["S"]

    def append_audit(self, decision: AuditDecision, now: datetime, attempts: int = 3) -> ApplicationRecord | None:
        """Append the decision to the item's `audits` history and make it the `audit` label.

        None when no such application exists (nothing is created). Nothing is ever overwritten: the
        write is conditioned on the item being unchanged since it was read, and retried on a race.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        serialize = _serializer().serialize
        for _ in range(attempts):
            found = self.get_for_update(decision.application_id)
            if found is None:
                return None
            record, token = found
            # Items from before the history existed keep their one decision as its first entry.
            history = list(record.audits) or ([record.audit] if record.audit else [])
            history.append(decision)
            documents = [d.model_dump(mode="json", exclude_none=True) for d in history]
            try:
                response = self._client.update_item(
                    TableName=self._table,
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
                        ":now": {"S": now.isoformat()},
                        ":read": {"S": token},
                    },
                    ReturnValues="ALL_NEW",
                )
            except ClientError as exc:
                if _error_code(exc) == "ConditionalCheckFailedException":
                    continue  # changed (or removed) since read: read again
                raise StoreUnavailable("the application store refused the audit update") from exc
            except BotoCoreError as exc:
                raise StoreUnavailable("the application store is unreachable") from exc
            return ApplicationRecord.from_item(_from_attributes(response["Attributes"]))
        raise Conflict("the application kept changing while the decision was recorded; send it again")
