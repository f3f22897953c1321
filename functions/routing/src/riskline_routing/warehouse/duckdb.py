"""The local stack's warehouse: an embedded DuckDB file, same table and same upsert SQL.

DuckDB lets one process at a time open a file for writing, and the local stack may run
several handler processes: each upsert opens the file, runs in one transaction, and closes
it, retrying briefly while another process holds the lock.
"""

import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from riskline_schema import LakeRecord

from ..errors import ConfigurationError, StatementFailed, WarehouseUnavailable
from . import ddl
from .port import WarehouseLoad

INSERT_CHUNK = 200  # rows per INSERT statement


class DuckDBWarehouse:
    copies_from_lake = False

    def __init__(
        self,
        path: str | None,
        *,
        lock_timeout_s: float = 10.0,
        retry_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._path = path
        self._lock_timeout_s, self._retry_s = lock_timeout_s, retry_s
        self._clock, self._sleep = clock, sleep

    def upsert(self, load: WarehouseLoad) -> None:
        if not load.rows:
            return
        import duckdb  # optional dependency (`riskline-routing[local]`): never needed in AWS

        con = self.connect()
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(ddl.create_table("duckdb"))
            for sql in ddl.add_columns("duckdb"):
                con.execute(sql)
            con.execute(ddl.create_load_table())
            _insert_rows(con, load.rows)
            for sql in ddl.upsert_statements():
                con.execute(sql)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            raise StatementFailed(f"duckdb upsert into {self._path}: {exc}") from exc
        finally:
            con.close()

    def connect(self) -> Any:
        """Open the file (retrying while another process holds its lock), UTC session time zone."""
        import duckdb

        if not self._path:
            raise ConfigurationError("WAREHOUSE_DUCKDB_PATH is not set")
        deadline = self._clock() + self._lock_timeout_s
        delay = self._retry_s
        while True:
            try:
                con = duckdb.connect(self._path)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseUnavailable(f"cannot open {self._path}: {exc}") from exc
                if self._clock() >= deadline:
                    raise WarehouseUnavailable(f"{self._path} stayed locked for {self._lock_timeout_s:g} s") from exc
                self._sleep(delay)
                delay = min(delay * 2, 1.0)
        con.execute("SET TimeZone = 'UTC'")
        return con

    def fetch_rows(self) -> list[dict[str, Any]]:
        """Every warehouse row as a dict (for the demo's reconciliation and for tests)."""
        con = self.connect()
        try:
            con.execute(ddl.create_table("duckdb"))
            cursor = con.execute(f"SELECT * FROM {ddl.TABLE} ORDER BY {ddl.KEY}")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        finally:
            con.close()


def _insert_rows(con: Any, rows: Sequence[LakeRecord]) -> None:
    # Multi-row VALUES statements: DuckDB's executemany runs one statement per row, ~30x slower
    # for a replay of thousands of rows.
    one_row = "(" + ", ".join("?" for _ in ddl.COLUMNS) + ")"
    head = f"INSERT INTO {ddl.LOAD_TABLE} ({', '.join(ddl.COLUMNS)}) VALUES "
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        con.execute(head + ", ".join([one_row] * len(chunk)), [v for row in chunk for v in ddl.row_values(row)])


def _rollback(con: Any) -> None:
    with contextlib.suppress(Exception):  # no transaction open any more: nothing to undo
        con.execute("ROLLBACK")
