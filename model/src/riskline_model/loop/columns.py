"""The lake row (`riskline_schema.LakeRecord`) as DuckDB columns.

Reading with an explicit column map skips DuckDB's schema sampling, ignores keys the loop does not
use, and gives NULL for a key an older row lacks (e.g. `audit_grade` before schema 1.1).
"""

import types
import typing
from enum import Enum

from riskline_schema import FINANCIAL_FIELDS, FinancialFacts

_DUCKDB_TYPES = {float: "DOUBLE", int: "BIGINT", str: "VARCHAR", bool: "BOOLEAN"}


def _duckdb_type(annotation: object) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return _duckdb_type(args[0])
    if typing.get_origin(annotation) is typing.Annotated:
        return _duckdb_type(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "VARCHAR"
    return _DUCKDB_TYPES[annotation]  # type: ignore[index]


FACT_COLUMNS: dict[str, str] = {
    name: _duckdb_type(FinancialFacts.model_fields[name].annotation) for name in FINANCIAL_FIELDS
}

# The lake row's columns the loop reads. `audit_grade` is optional: graded audits may be absent.
LAKE_COLUMNS: dict[str, str] = {
    "application_id": "VARCHAR",
    "channel": "VARCHAR",
    "submitted_at": "TIMESTAMPTZ",
    "status": "VARCHAR",
    "probability": "DOUBLE",
    "tier": "VARCHAR",
    "model_version": "VARCHAR",
    "scored_at": "TIMESTAMPTZ",
    "audit_outcome": "VARCHAR",
    "audit_grade": "VARCHAR",
    "audited_at": "TIMESTAMPTZ",
    "updated_at": "TIMESTAMPTZ",
    **FACT_COLUMNS,
}


def struct_literal(columns: dict[str, str]) -> str:
    """`{'name': 'TYPE', ...}` for read_json's `columns` argument."""
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
