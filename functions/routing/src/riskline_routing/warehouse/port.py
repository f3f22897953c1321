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
    # A COPY manifest listing `sources` (the scheduled loader writes one): Redshift then loads them
    # all with one COPY in one transaction, however many there are.
    manifest: str | None = None


class Warehouse(Protocol):
    # True when the adapter loads the lake objects itself (Redshift COPY): a caller need not read
    # the rows. False when it inserts `rows` (DuckDB).
    copies_from_lake: bool

    def upsert(self, load: WarehouseLoad) -> None:
        """Idempotently upsert: create the table if needed, then latest `updated_at` wins per application.

        Raises WarehouseError (or a subclass) when the upsert did not complete.
        """
        ...
