"""What one batch does once its records are converted: lake first, then the warehouse."""

from collections.abc import Sequence
from dataclasses import dataclass

from riskline_schema import LakeRecord

from .convert import latest_per_application
from .lake import LakeObject, LakeWriter
from .warehouse import Warehouse, WarehouseLoad


@dataclass(frozen=True)
class Persisted:
    rows: int
    objects: tuple[LakeObject, ...]


class Router:
    def __init__(self, lake: LakeWriter, warehouse: Warehouse) -> None:
        self.lake = lake
        self.warehouse = warehouse

    def persist(self, rows: Sequence[LakeRecord]) -> Persisted:
        """Write the lake objects, then upsert the same rows into the warehouse.

        The order is the guarantee: when the warehouse fails (WarehouseError) the lake already
        holds the rows, the batch is retried and rewrites the same objects, and a replay from
        the lake can always rebuild the warehouse.
        """
        latest = latest_per_application(rows)
        objects = self.lake.write_batch(latest)
        self.warehouse.upsert(WarehouseLoad(rows=latest, sources=[obj.uri for obj in objects]))
        return Persisted(rows=len(latest), objects=tuple(objects))
