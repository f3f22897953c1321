"""The workbench's append-only log: who viewed which application when, and each decision made there.

Items are only ever put, each under a key it alone has (`attribute_not_exists`), so nothing logged is
overwritten. No applicant data: ids, the auditor's id, times, outcomes and the model's verdict.
- a view: `entry` = `view#<application_id>`, `at` = `<viewed_at>#<auditor>`
- a decision: `entry` = `decision#<YYYY-MM-DD>`, `at` = `<decided_at>#<application_id>` — one
  partition per day, so the dashboard reads the last days with a Query each.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import StoreUnavailable


@dataclass(frozen=True)
class LoggedDecision:
    application_id: str
    auditor: str
    decided_at: str
    outcome: str
    model_tier: str | None
    model_leaning: str | None
    agrees: bool | None


class AccessLog:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def _append(self, item: dict[str, Any], what: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        if not self._table:
            raise StoreUnavailable("WORKBENCH_ACCESS_LOG_TABLE is not set: views cannot be recorded")
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(#entry)",
                ExpressionAttributeNames={"#entry": "entry"},
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"the workbench access log refused the {what}") from exc

    def record_view(self, application_id: str, auditor: str, at: datetime, request_id: str) -> None:
        # The request id keeps two views by one auditor in the same instant apart.
        self._append(
            {
                "entry": {"S": f"view#{application_id}"},
                "at": {"S": f"{at.isoformat()}#{auditor}#{request_id}"},
                "kind": {"S": "view"},
                "application_id": {"S": application_id},
                "auditor": {"S": auditor},
                "viewed_at": {"S": at.isoformat()},
            },
            "view",
        )

    def views_of(self, application_id: str) -> list[dict[str, str]]:
        response = self._query(f"view#{application_id}")
        return [{"auditor": item["auditor"]["S"], "viewed_at": item["viewed_at"]["S"]} for item in response]

    def record_decision(self, decision: LoggedDecision) -> None:
        item: dict[str, Any] = {
            "entry": {"S": f"decision#{decision.decided_at[:10]}"},
            "at": {"S": f"{decision.decided_at}#{decision.application_id}"},
            "kind": {"S": "decision"},
            "application_id": {"S": decision.application_id},
            "auditor": {"S": decision.auditor},
            "decided_at": {"S": decision.decided_at},
            "outcome": {"S": decision.outcome},
        }
        if decision.model_tier is not None:
            item["model_tier"] = {"S": decision.model_tier}
        if decision.model_leaning is not None:
            item["model_leaning"] = {"S": decision.model_leaning}
        if decision.agrees is not None:
            item["agrees"] = {"BOOL": decision.agrees}
        self._append(item, "decision")

    def decisions_on(self, day: date) -> list[LoggedDecision]:
        return [
            LoggedDecision(
                application_id=item["application_id"]["S"],
                auditor=item["auditor"]["S"],
                decided_at=item["decided_at"]["S"],
                outcome=item["outcome"]["S"],
                model_tier=item.get("model_tier", {}).get("S"),
                model_leaning=item.get("model_leaning", {}).get("S"),
                agrees=item.get("agrees", {}).get("BOOL"),
            )
            for item in self._query(f"decision#{day.isoformat()}")
        ]

    def _query(self, entry: str) -> list[dict[str, Any]]:
        from botocore.exceptions import BotoCoreError, ClientError

        items: list[dict[str, Any]] = []
        start = None
        try:
            while True:
                request: dict[str, Any] = {
                    "TableName": self._table,
                    "KeyConditionExpression": "#entry = :entry",
                    "ExpressionAttributeNames": {"#entry": "entry"},
                    "ExpressionAttributeValues": {":entry": {"S": entry}},
                }
                if start:
                    request["ExclusiveStartKey"] = start
                response = self._client.query(**request)
                items += response.get("Items", [])
                start = response.get("LastEvaluatedKey")
                if not start:
                    return items
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable("the workbench access log is unavailable") from exc
