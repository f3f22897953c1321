"""One DynamoDB stream image → one PII-free lake row."""

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from riskline_schema import ApplicationRecord, LakeRecord, format_problems

from .errors import UnconvertibleRecord


def lake_row(new_image: Mapping[str, Any], secret: bytes) -> LakeRecord:
    """Deserialised NewImage (Decimals and all) → LakeRecord, or UnconvertibleRecord.

    pydantic's own messages echo the input values, which here are PII (names, SSNs): the error
    we raise carries field names and problems only, and drops the original from its chain.
    """
    try:
        record = ApplicationRecord.from_item(dict(new_image))
        return LakeRecord.from_record(record, secret)
    except ValidationError as exc:
        problems = format_problems(exc)
        raise UnconvertibleRecord(f"not an applications item ({problems})") from None
    except (TypeError, ValueError) as exc:
        raise UnconvertibleRecord(f"not an applications item ({type(exc).__name__})") from None


def latest_per_application(rows: Iterable[LakeRecord]) -> list[LakeRecord]:
    """Keep one row per application: the newest `updated_at` (a tie goes to the later row)."""
    latest: dict[str, LakeRecord] = {}
    for row in rows:
        current = latest.get(row.application_id)
        if current is None or row.updated_at >= current.updated_at:
            latest[row.application_id] = row
    return list(latest.values())
