"""Reload the warehouse from the lake for a range of submission dates.

    python -m riskline_routing.replay --since 2026-11-01 --until 2026-11-29

Reads LAKE_BUCKET, LAKE_PREFIX and the WAREHOUSE_* / REDSHIFT_* variables like the handler.
The lake is read with the readers' rule (latest `updated_at` per application_id) and upserted
newer-wins, so a replay is idempotent and never rolls a newer warehouse row back.
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .lake import list_lake_objects, read_lake
from .settings import Settings
from .warehouse import Warehouse, WarehouseLoad, open_warehouse


@dataclass(frozen=True)
class ReplayReport:
    objects: int
    applications: int


def replay(
    settings: Settings, since: date, until: date, *, s3: Any = None, warehouse: Warehouse | None = None
) -> ReplayReport:
    if s3 is None:
        from riskline_runtime.clients import client

        s3 = client("s3")
    bucket = settings.require("lake_bucket")
    keys = list_lake_objects(bucket, settings.lake_prefix, since, until, s3=s3)
    rows = read_lake(bucket, settings.lake_prefix, since, until, s3=s3)
    warehouse = warehouse or open_warehouse(settings)
    # Redshift COPYs the objects (deduping in SQL); DuckDB inserts the deduped rows.
    warehouse.upsert(WarehouseLoad(rows=list(rows.values()), sources=[f"s3://{bucket}/{key}" for key in keys]))
    return ReplayReport(objects=len(keys), applications=len(rows))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_routing.replay", description=__doc__.splitlines()[0])
    parser.add_argument("--since", required=True, type=date.fromisoformat, help="first submission date, YYYY-MM-DD")
    parser.add_argument("--until", required=True, type=date.fromisoformat, help="last submission date, YYYY-MM-DD")
    args = parser.parse_args(argv)
    if args.until < args.since:
        parser.error("--until is before --since")
    settings = Settings.from_env()
    report = replay(settings, args.since, args.until)
    print(
        f"replayed {report.applications} applications from {report.objects} lake objects "
        f"({args.since.isoformat()}..{args.until.isoformat()}) into the {settings.warehouse_backend} warehouse"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
