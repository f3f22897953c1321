"""The review queue: applications waiting for an auditor, read from the table's sparse GSI, never a scan.

Each channel is one partition of `review-queue-index` (hash `review_queue` = channel, range
`review_since` = `<submitted_at>#<application_id>`). One channel is one Query; every channel is one
Query per channel merged oldest first. A page ends at a `review_since` value: the next page starts
strictly after it, so pages neither repeat nor skip an application whatever arrives meanwhile.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from riskline_schema import Channel
from riskline_schema.review import REVIEW_QUEUE, REVIEW_QUEUE_INDEX, REVIEW_SINCE

from .errors import StoreUnavailable

# Application ids use [A-Za-z0-9_-], all above " ": a key bound plus " " sorts after the bound itself
# and before every other key, which turns BETWEEN (inclusive) into "strictly after the cursor".
_JUST_AFTER = " "
# Below and above every ISO timestamp (DynamoDB refuses an empty string as a key value).
_UNBOUNDED_LOW = "0"
_UNBOUNDED_HIGH = "~"


@dataclass(frozen=True)
class QueueSlice:
    """Which part of the queue: one channel or all, a submission-date range (UTC days, inclusive)."""

    channel: Channel | None = None
    since: date | None = None
    until: date | None = None

    def bounds(self, after: str | None) -> tuple[str, str] | None:
        """The range-key bounds; None when the range is empty."""
        low = self.since.isoformat() if self.since else _UNBOUNDED_LOW
        if after is not None:
            low = max(low, after + _JUST_AFTER)
        high = (self.until + timedelta(days=1)).isoformat() if self.until else _UNBOUNDED_HIGH
        return (low, high) if low < high else None


@dataclass(frozen=True)
class QueueEntry:
    """One projected index item: no applicant data (the index projects only non-PII attributes)."""

    application_id: str
    review_since: str
    item: dict[str, Any]


class ReviewQueue:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def _query(
        self,
        channel: Channel,
        bounds: tuple[str, str],
        *,
        limit: int | None = None,
        count: bool = False,
        start: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": REVIEW_QUEUE_INDEX,
            "KeyConditionExpression": "#q = :channel AND #since BETWEEN :low AND :high",
            "ExpressionAttributeNames": {"#q": REVIEW_QUEUE, "#since": REVIEW_SINCE},
            "ExpressionAttributeValues": {
                ":channel": {"S": channel.value},
                ":low": {"S": bounds[0]},
                ":high": {"S": bounds[1]},
            },
            "ScanIndexForward": True,
        }
        if limit is not None:
            request["Limit"] = limit
        if count:
            request["Select"] = "COUNT"
        if start is not None:
            request["ExclusiveStartKey"] = start
        try:
            return self._client.query(**request)
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable("the review queue is unavailable") from exc

    def page(self, part: QueueSlice, after: str | None, limit: int) -> tuple[list[QueueEntry], bool]:
        """Up to `limit` entries oldest first, and whether more follow."""
        bounds = part.bounds(after)
        if bounds is None:
            return [], False
        entries: list[QueueEntry] = []
        more = False
        for channel in [part.channel] if part.channel else list(Channel):
            response = self._query(channel, bounds, limit=limit)
            more = more or "LastEvaluatedKey" in response
            entries += [
                QueueEntry(item["application_id"]["S"], item[REVIEW_SINCE]["S"], item)
                for item in response.get("Items", [])
            ]
        entries.sort(key=lambda entry: entry.review_since)
        return entries[:limit], more or len(entries) > limit

    def size_and_oldest(self) -> tuple[dict[str, int], str | None]:
        """How many wait in each channel, and the oldest `review_since` of all (None when empty)."""
        bounds = (_UNBOUNDED_LOW, _UNBOUNDED_HIGH)
        sizes: dict[str, int] = {}
        oldest: list[str] = []
        for channel in Channel:
            first = self._query(channel, bounds, limit=1).get("Items", [])
            oldest += [item[REVIEW_SINCE]["S"] for item in first]
            total, start = 0, None
            while True:
                response = self._query(channel, bounds, count=True, start=start)
                total += response.get("Count", 0)
                start = response.get("LastEvaluatedKey")
                if start is None:
                    break
            sizes[channel.value] = total
        return sizes, min(oldest) if oldest else None
