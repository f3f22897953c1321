"""Keep input-derived text out of logs and reports: only names the schema itself defines get through.

A field path from a rejected payload can be attacker- or typo-made (a spreadsheet whose header row is
missing turns the first applicant's values into "column names"), so unknown names are replaced.
"""

import re
from functools import cache

from pydantic import BaseModel

_SEGMENT = re.compile(r"\[\d+\]|[^.\[\]]+")
_STRUCTURAL = {"(body)", "(header)", "(file)", "(row)", "(request)", "applications", "channel", "Idempotency-Key",
               "Content-Type", "Details.ContactData", "sessionState.intent", "application_id"}  # fmt: skip
UNKNOWN = "<unknown>"


def _names(model: type[BaseModel], into: set[str]) -> None:
    for name, info in model.model_fields.items():
        into.add(name)
        if info.alias:
            into.add(info.alias)
        annotation = info.annotation
        for candidate in (*getattr(annotation, "__args__", ()), annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                _names(candidate, into)


@cache
def known_names() -> frozenset[str]:
    from pydantic.alias_generators import to_camel

    from riskline_schema import Application, AuditRequest
    from riskline_schema.channels import FLAT_FIELDS, MobileSubmission, WebFormSubmission

    names: set[str] = set(_STRUCTURAL) | set(FLAT_FIELDS) | {to_camel(f) for f in FLAT_FIELDS}
    for model in (Application, WebFormSubmission, MobileSubmission, AuditRequest):
        _names(model, names)
    return frozenset(names)


def safe_field(field: str) -> str:
    """`applicant.address.state` stays; `applicant.Ada` becomes `applicant.<unknown>`."""
    if field in known_names():
        return field
    parts = []
    for segment in _SEGMENT.findall(field):
        if segment.startswith("["):
            parts.append(segment)
        else:
            parts.append(("." if parts else "") + (segment if segment in known_names() else UNKNOWN))
    return "".join(parts) or UNKNOWN


def scrub(message: str, values: list[str]) -> str:
    """A problem message with any of the row's own values (2+ characters) cut out."""
    for value in sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True):
        if value in message:
            message = message.replace(value, "…")
    return message
