"""The warehouse port: what the routing function needs from any warehouse."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from riskline_schema import LakeRecord


@dataclass(frozen=True)
class WarehouseLoad:
    """Rows to upsert, and the lake locations (S3 object or `dt=` prefix URIs) holding them.

    Both describe the same data: an adapter loads whichever suits it (Redshift COPYs the lake
    objects, DuckDB inserts the rows). `sources` may hold older versions too — every adapter
    keeps the latest `updated_at` per application_id, in staging and against the table.
    """

    rows: Sequence[LakeRecord]
    sources: Sequence[str] = field(default_factory=tuple)


class Warehouse(Protocol):
    def upsert(self, load: WarehouseLoad) -> None:
        """Idempotently upsert: create the table if needed, then latest `updated_at` wins per application.

        Raises WarehouseError (or a subclass) when the upsert did not complete.
        """
        ...
