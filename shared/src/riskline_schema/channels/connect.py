"""Amazon Connect contact-flow invocation: contact attributes → Application; flat map back.

The flow collects answers into contact attributes (canonical flat names); parameters set on
the Lambda block override them. The caller's number fills `phone` when the flow did not ask.
"""

from datetime import datetime
from typing import Any

from ..application import Application
from ..enums import Channel
from ..errors import FieldProblem
from .errors import InvalidPayload
from .flat import FLAT_FIELDS, application_from_flat


def _contact_data(event: Any) -> dict[str, Any]:
    try:
        data = event["Details"]["ContactData"]
        if not isinstance(data, dict):
            raise TypeError
        return data
    except (KeyError, TypeError):
        raise InvalidPayload(
            [FieldProblem(field="Details.ContactData", problem="not an Amazon Connect event")]
        ) from None


def contact_id(event: Any) -> str:
    return str(_contact_data(event).get("ContactId", ""))


def application_from_connect(event: Any, *, application_id: str, submitted_at: datetime) -> Application:
    data = _contact_data(event)
    params = event["Details"].get("Parameters") or {}
    merged = {**(data.get("Attributes") or {}), **params}
    # Connect attributes also carry flow bookkeeping; only the canonical fields are the application.
    values = {k: v for k, v in merged.items() if k in FLAT_FIELDS}
    if "phone" not in values:
        caller = (data.get("CustomerEndpoint") or {}).get("Address")
        if caller:
            values["phone"] = caller
    return application_from_flat(
        values, channel=Channel.PHONE, application_id=application_id, submitted_at=submitted_at
    )


def connect_response(**values: Any) -> dict[str, str]:
    """Connect reads only a flat map of strings from a Lambda: flatten and stringify."""
    out: dict[str, str] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out
