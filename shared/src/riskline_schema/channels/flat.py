"""Flat string maps (chat slots, contact attributes, CSV rows) → Application.

Voice, chat and staff-keyed channels deliver every value as a string in a flat map keyed by
the canonical field names. This module is the single place where those strings are cleaned:
currency and thousands separators, percent signs, yes/no, US dates, enum labels in any case.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from ..application import FINANCIAL_FIELDS, Application
from ..enums import Channel
from ..errors import FieldProblem, describe_validation_error
from .errors import InvalidPayload

APPLICANT_FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone", "national_id")
ADDRESS_FIELDS = ("street", "city", "state", "postal_code")
FLAT_FIELDS: tuple[str, ...] = APPLICANT_FIELDS + ADDRESS_FIELDS + FINANCIAL_FIELDS

_NUMERIC = {
    "annual_income", "employment_length_years", "debt_to_income", "delinquencies_2y",
    "inquiries_last_12m", "open_credit_lines", "total_credit_lines", "revolving_utilization",
    "credit_history_years", "public_record_bankruptcies", "months_since_last_delinquency",
    "loan_amount", "loan_term_months",
}  # fmt: skip
_ENUMS = {
    "income_verification", "employment_status", "home_ownership", "loan_purpose", "application_type",
}  # fmt: skip
_NUMBER_NOISE = re.compile(r"[\s$,%]")
_NONE_WORDS = {"", "none", "n/a", "na", "null", "never", "-"}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _clean_number(raw: str) -> str | None:
    text = _NUMBER_NOISE.sub("", raw)
    if text.lower() in _NONE_WORDS:
        return None
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.lower().endswith(suffix):
            try:
                return repr(float(text[:-1]) * factor)
            except ValueError:
                return raw
    # Integral fields still take "36.0" from spreadsheets.
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def _clean_enum(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def _clean_date(raw: str) -> str:
    match = _US_DATE.match(raw.strip())
    if match:
        month, day, year = map(int, match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return raw
    return raw.strip()


def clean_flat_value(field: str, raw: Any) -> Any:
    """Normalise one staff- or voice-entered value; non-strings pass through untouched."""
    if not isinstance(raw, str):
        return raw
    if field in _NUMERIC:
        return _clean_number(raw)
    if field in _ENUMS:
        return _clean_enum(raw) if raw.strip() else None
    if field == "date_of_birth":
        return _clean_date(raw)
    return raw if raw.strip() else None


def application_from_flat(
    values: Mapping[str, Any],
    *,
    channel: Channel,
    application_id: str,
    submitted_at: datetime,
) -> Application:
    """Build an Application from a flat map; errors name the flat field, as the sender knows it."""
    unknown = sorted(k for k in values if k not in FLAT_FIELDS)
    if unknown:
        raise InvalidPayload([FieldProblem(field=k, problem="unknown field") for k in unknown])
    cleaned = {k: clean_flat_value(k, v) for k, v in values.items()}
    present = {k: v for k, v in cleaned.items() if v is not None}
    doc: dict[str, Any] = {
        "application_id": application_id,
        "channel": channel,
        "submitted_at": submitted_at,
        "applicant": {k: present[k] for k in APPLICANT_FIELDS if k in present}
        | {"address": {k: present[k] for k in ADDRESS_FIELDS if k in present}},
    }
    doc.update({k: present[k] for k in FINANCIAL_FIELDS if k in present})
    try:
        return Application.model_validate(doc)
    except ValidationError as exc:
        raise InvalidPayload(_flatten(describe_validation_error(exc))) from None


def _flatten(problems: list[FieldProblem]) -> list[FieldProblem]:
    """`applicant.address.state` → `state`: flat senders know only the flat names."""
    out = []
    for p in problems:
        leaf = p.field.rsplit(".", 1)[-1]
        out.append(FieldProblem(field=leaf if leaf in FLAT_FIELDS else p.field, problem=p.problem))
    return out
