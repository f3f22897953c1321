"""The warehouse table, in one place: columns derived from LakeRecord, shared load SQL.

Both adapters run the same statements, so both have the same semantics:
  load table ← rows (COPY or INSERT) → staging = latest version per application_id
  → drop staging rows not newer than the table → MERGE by application_id → drop temp tables.
Only the type of `reason_codes` differs by dialect (Redshift SUPER, DuckDB VARCHAR[]).
"""

import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import AwareDatetime

from riskline_schema import LakeRecord

TABLE = "applications"
LOAD_TABLE = "applications_load"
STAGING_TABLE = "applications_staging"
KEY = "application_id"
VERSION = "updated_at"

Dialect = Literal["redshift", "duckdb"]
_LIST_TYPE: dict[str, str] = {"redshift": "SUPER", "duckdb": "VARCHAR[]"}
_VARCHAR_LENGTH = {
    "application_id": 64,
    "applicant_key": 64,
    "model_version": 128,
    "schema_version": 8,
    "audit_grade": 16,
    "audited_by": 64,
}
# Columns schema 1.1 added: a table created earlier gets them (nullable) before its first 1.1 load.
ADDED_IN_1_1 = ("application_version", "audit_grade", "audit_grade_tier", "audited_by")
_SCALAR_TYPES: dict[type, str] = {
    bool: "BOOLEAN",
    int: "INTEGER",
    float: "DOUBLE PRECISION",
    datetime: "TIMESTAMPTZ",
}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(base type, nullable) for `X`, `X | None`, `Optional[X]`, `Annotated[X, ...]`."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            (annotation,) = args
        else:
            return annotation, nullable


def _sql_type(name: str, annotation: Any, dialect: Dialect) -> str:
    if typing.get_origin(annotation) is list:
        return _LIST_TYPE[dialect]
    if typing.get_origin(annotation) is Literal or annotation is str:
        return f"VARCHAR({_VARCHAR_LENGTH.get(name, 256)})"
    if annotation is AwareDatetime:  # UtcDatetime: timezone-aware, UTC inside
        return "TIMESTAMPTZ"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "VARCHAR(32)"
    for python_type, sql in _SCALAR_TYPES.items():
        if (
            isinstance(annotation, type)
            and issubclass(annotation, python_type)
            and not (python_type is int and issubclass(annotation, bool))
        ):
            return sql
    raise TypeError(f"no warehouse type for LakeRecord.{name}: {annotation!r}")


def _ordered_fields() -> list[str]:
    names = list(LakeRecord.model_fields)
    return [KEY] + [n for n in names if n != KEY]


COLUMNS: tuple[str, ...] = tuple(_ordered_fields())


def column_types(dialect: Dialect) -> dict[str, tuple[str, bool]]:
    """Column → (SQL type, nullable), in table order."""
    out: dict[str, tuple[str, bool]] = {}
    for name in COLUMNS:
        info = LakeRecord.model_fields[name]
        base, nullable = _unwrap(info.annotation)
        out[name] = (_sql_type(name, base, dialect), nullable)
    return out


def create_table(dialect: Dialect) -> str:
    lines = [
        f"    {name} {sql_type}{'' if nullable else ' NOT NULL'}"
        for name, (sql_type, nullable) in column_types(dialect).items()
    ]
    lines.append(f"    PRIMARY KEY ({KEY})")
    return f"CREATE TABLE IF NOT EXISTS {TABLE} (\n" + ",\n".join(lines) + "\n)"


def add_columns(dialect: Dialect) -> list[str]:
    """`ALTER TABLE … ADD COLUMN` for the columns added since the table may have been created.

    DuckDB runs them on every load (`IF NOT EXISTS`); Redshift has no `IF NOT EXISTS` for columns,
    so an operator runs the Redshift form once per existing warehouse (routing/README.md). Until
    then Redshift's COPY … JSON 'auto' simply leaves the new keys out: nothing fails.
    """
    types = column_types(dialect)
    guard = " IF NOT EXISTS" if dialect == "duckdb" else ""
    return [f"ALTER TABLE {TABLE} ADD COLUMN{guard} {name} {types[name][0]}" for name in ADDED_IN_1_1]


def create_load_table() -> str:
    # Same columns and types as the target, no constraints (the load may hold several versions).
    return f"CREATE TEMP TABLE {LOAD_TABLE} AS SELECT * FROM {TABLE} WHERE 1 = 0"


def upsert_statements() -> list[str]:
    """Load table → target, latest `updated_at` wins; then the temp tables are dropped."""
    cols = ", ".join(COLUMNS)
    staged = ", ".join(f"s.{c}" for c in COLUMNS)
    updates = ", ".join(f"{c} = s.{c}" for c in COLUMNS if c != KEY)
    return [
        # Several versions of one application may be loaded (replay reads whole partitions).
        f"CREATE TEMP TABLE {STAGING_TABLE} AS SELECT {cols} FROM ("
        f"SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY {KEY} ORDER BY {VERSION} DESC) AS version_rank "
        f"FROM {LOAD_TABLE}) AS ranked WHERE version_rank = 1",
        # Redshift's MERGE takes no extra condition on WHEN MATCHED: drop stale rows beforehand,
        # so an older or repeated update never overwrites a newer one.
        f"DELETE FROM {STAGING_TABLE} USING {TABLE} "
        f"WHERE {STAGING_TABLE}.{KEY} = {TABLE}.{KEY} AND {STAGING_TABLE}.{VERSION} <= {TABLE}.{VERSION}",
        f"MERGE INTO {TABLE} USING {STAGING_TABLE} AS s ON {TABLE}.{KEY} = s.{KEY} "
        f"WHEN MATCHED THEN UPDATE SET {updates} "
        f"WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({staged})",
        f"DROP TABLE {STAGING_TABLE}",
        f"DROP TABLE {LOAD_TABLE}",
    ]


def row_values(row: LakeRecord) -> tuple[Any, ...]:
    """One row as a parameter tuple in COLUMNS order (enums as their values)."""
    values = []
    for name in COLUMNS:
        value = getattr(row, name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list):
            value = [v.value if isinstance(v, Enum) else v for v in value]
        values.append(value)
    return tuple(values)
