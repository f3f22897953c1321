"""Warehouse adapters behind one port; WAREHOUSE_BACKEND picks one, importing only that one."""

from typing import Any

from ..settings import Settings
from .port import Warehouse, WarehouseLoad

__all__ = ["Warehouse", "WarehouseLoad", "open_warehouse"]


def open_warehouse(settings: Settings, *, redshift_client: Any = None, timeout_s: float = 60.0) -> Warehouse:
    """The configured adapter; `timeout_s` bounds the wait for one Redshift transaction."""
    if settings.warehouse_backend == "duckdb":
        from .duckdb import DuckDBWarehouse

        return DuckDBWarehouse(settings.duckdb_path)
    from .redshift import RedshiftWarehouse

    if redshift_client is None:
        from riskline_runtime.clients import lazy

        redshift_client = lazy("redshift-data")  # made on the first statement, not at import
    return RedshiftWarehouse(
        redshift_client,
        workgroup=settings.redshift_workgroup,
        database=settings.redshift_database,
        copy_role_arn=settings.redshift_copy_role_arn,
        timeout_s=timeout_s,
    )
