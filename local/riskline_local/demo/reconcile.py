"""Counts every sent application in the stores themselves: DynamoDB (source of truth), the lake
(latest row per application, as the routing package reads it) and the warehouse (DuckDB)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..emulator.stack import LocalStack
from .driver import Sent


@dataclass
class Snapshot:
    items: list[dict[str, Any]]
    lake: dict[str, Any]  # application_id -> LakeRecord
    warehouse: dict[str, dict[str, Any]]  # application_id -> row


@dataclass
class Reconciliation:
    sent: int
    stored: int
    lake: int
    warehouse: int
    pending: int
    lost: int
    duplicated: int
    unexpected: int
    stale: int
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def line(self) -> str:
        return (
            f"reconciliation: sent={self.sent} stored={self.stored} lake={self.lake} "
            f"warehouse={self.warehouse} pending={self.pending} lost={self.lost}"
        )

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.unexpected == 0

    @property
    def settled(self) -> bool:
        """Everything scored and the lake and warehouse show each item's latest state."""
        return self.ok and self.pending == 0 and self.stale == 0


def scan_table(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.outputs is not None
    table = stack.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": stack.outputs["applications_table_name"], "ConsistentRead": True}
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    while True:
        page = table.scan(**kwargs)
        items.extend({k: des.deserialize(v) for k, v in item.items()} for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_stores(stack: LocalStack) -> Snapshot:
    from riskline_routing.lake import read_lake
    from riskline_routing.warehouse.duckdb import DuckDBWarehouse

    assert stack.outputs is not None
    items = scan_table(stack)
    days = sorted({str(item["submitted_at"])[:10] for item in items})
    lake = {}
    if days:
        lake = read_lake(
            stack.outputs["lake_bucket_name"],
            lake_prefix(stack),
            days[0],
            days[-1],
            s3=stack.client("s3"),
        )
    warehouse: dict[str, dict[str, Any]] = {}
    if stack.warehouse_path.exists():
        for row in DuckDBWarehouse(str(stack.warehouse_path), lock_timeout_s=30).fetch_rows():
            warehouse[row["application_id"]] = row
    return Snapshot(items, lake, warehouse)


def lake_prefix(stack: LocalStack) -> str:
    assert stack.runtime is not None and stack.outputs is not None
    routing = stack.runtime.pool(stack.outputs.function_names["routing"]).spec
    return routing.environment.get("LAKE_PREFIX", "applications")


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def reconcile(sents: list[Sent], snapshot: Snapshot, earlier: frozenset[str] = frozenset()) -> Reconciliation:
    """This run's applications against the stores. `earlier`: ids stored before the run began (on a
    stack other work has used); they are neither this run's nor unexpected, and are not counted."""
    accepted = [s for s in sents if s.accepted]
    wanted = {s.submission.key for s in accepted}
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in snapshot.items:
        if item["application_id"] in earlier:
            continue
        key = (item["channel"], item["application"]["applicant"]["national_id"])
        by_key[key].append(item)
    stored_ids = {key: items[0]["application_id"] for key, items in by_key.items() if key in wanted}
    duplicated = sum(len(items) - 1 for key, items in by_key.items() if key in wanted)
    unexpected = sum(len(items) for key, items in by_key.items() if key not in wanted)

    in_lake = {k for k, i in stored_ids.items() if i in snapshot.lake}
    in_warehouse = {k for k, i in stored_ids.items() if i in snapshot.warehouse}
    complete = set(stored_ids) & in_lake & in_warehouse
    missing: dict[str, list[str]] = {
        "dynamodb": sorted(f"{c}:{stored_ids.get((c, n), '?')}" for c, n in wanted - set(stored_ids)),
        "lake": sorted(stored_ids[k] for k in set(stored_ids) - in_lake),
        "warehouse": sorted(stored_ids[k] for k in set(stored_ids) - in_warehouse),
    }
    stale_ids: list[str] = []
    for key in complete:
        item = by_key[key][0]
        lake_row = snapshot.lake[item["application_id"]]
        row = snapshot.warehouse[item["application_id"]]
        latest = _instant(item["updated_at"])
        if (
            lake_row.status.value != item["status"]
            or _instant(lake_row.updated_at) != latest
            or row["status"] != item["status"]
            or _instant(row["updated_at"]) != latest
        ):
            stale_ids.append(
                f"{item['application_id']} (table {item['status']} {latest}, lake {lake_row.status.value} "
                f"{_instant(lake_row.updated_at)}, warehouse {row['status']} {_instant(row['updated_at'])})"
            )
    stale = len(stale_ids)
    if stale_ids:
        missing["stale"] = sorted(stale_ids)
    pending = sum(1 for items in by_key.values() for item in items if item["status"] == "PENDING_SCORE")
    return Reconciliation(
        sent=len(accepted),
        stored=len(stored_ids),
        lake=len(in_lake),
        warehouse=len(in_warehouse),
        pending=pending,
        lost=len(wanted) - len(complete),
        duplicated=duplicated,
        unexpected=unexpected,
        stale=stale,
        missing={k: v for k, v in missing.items() if v},
    )


def attach_ids(sents: list[Sent], snapshot: Snapshot) -> None:
    """Fill each sent application's id, status and tier from DynamoDB (mail ids are assigned there)."""
    by_key = {(i["channel"], i["application"]["applicant"]["national_id"]): i for i in snapshot.items}
    for sent in sents:
        item = by_key.get(sent.submission.key)
        if item is None:
            continue
        sent.application_id = item["application_id"]
        sent.status = item["status"]
        assessment = item.get("assessment") or {}
        sent.tier = assessment.get("tier")


def status_counts(snapshot: Snapshot) -> Counter[str]:
    return Counter(item["status"] for item in snapshot.items)
