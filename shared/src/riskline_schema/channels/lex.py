"""Amazon Lex V2 fulfillment: slots → Application, and the responses the bot speaks.

Slot names are the canonical flat fields in camelCase (`annualIncome`, `loanPurpose`…). Lex calls
one Lambda for every intent of a bot alias and locale (Welcome, FallbackIntent… arrive with
`slots: {}`): an intent is an application only when it defines application slots, and a response
may elicit only a slot the event's intent defines (Lex refuses one that adds a slot).
"""

from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel, to_snake

from ..application import Application
from ..enums import Channel
from ..errors import FieldProblem
from .errors import InvalidPayload
from .flat import FLAT_FIELDS, application_from_flat

SLOT_FOR_FIELD: dict[str, str] = {f: to_camel(f) for f in FLAT_FIELDS}
FIELD_FOR_SLOT: dict[str, str] = {slot: field for field, slot in SLOT_FOR_FIELD.items()}


def _slot_value(slot: Any) -> str | None:
    """Lex V2 slot → its interpreted value (None when the slot is unfilled)."""
    if not isinstance(slot, dict):
        return None
    value = slot.get("value") or {}
    return value.get("interpretedValue") or value.get("originalValue")


def _intent(event: Any) -> dict[str, Any]:
    try:
        intent = event["sessionState"]["intent"]
        if not isinstance(intent, dict) or not isinstance(intent.get("slots", {}), dict):
            raise TypeError
        return intent
    except (KeyError, TypeError):
        raise InvalidPayload([FieldProblem(field="sessionState.intent", problem="not a Lex V2 event")]) from None


def defined_slots(event: Any) -> frozenset[str]:
    """The slots the event's intent defines (filled or not: Lex lists unfilled ones as null)."""
    return frozenset((_intent(event).get("slots") or {}).keys())


def is_application_intent(event: Any) -> bool:
    """True when the intent defines at least one application slot (Welcome, Fallback, Help do not)."""
    return any(slot in FIELD_FOR_SLOT for slot in defined_slots(event))


def application_from_lex(event: Any, *, application_id: str, submitted_at: datetime) -> Application:
    slots = _intent(event).get("slots") or {}
    values: dict[str, str] = {}
    unknown: list[str] = []
    for name, slot in slots.items():
        field = FIELD_FOR_SLOT.get(name) or (to_snake(name) if to_snake(name) in FLAT_FIELDS else None)
        if field is None:
            unknown.append(name)
            continue
        value = _slot_value(slot)
        if value is not None:
            values[field] = value
    if unknown:
        raise InvalidPayload([FieldProblem(field=name, problem="unknown slot") for name in sorted(unknown)])
    try:
        return application_from_flat(
            values, channel=Channel.CHATBOT, application_id=application_id, submitted_at=submitted_at
        )
    except InvalidPayload as exc:
        raise InvalidPayload(
            [FieldProblem(field=SLOT_FOR_FIELD.get(p.field, p.field), problem=p.problem) for p in exc.problems]
        ) from None


def _session_attributes(event: Any, extra: dict[str, str] | None) -> dict[str, str]:
    current = (event.get("sessionState") or {}).get("sessionAttributes") or {}
    return {**current, **(extra or {})}


def lex_close(event: Any, message: str, *, fulfilled: bool, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """End the conversation with a spoken/written message; intent Fulfilled or Failed."""
    intent = dict(_intent(event))
    intent["state"] = "Fulfilled" if fulfilled else "Failed"
    return {
        "sessionState": {
            "sessionAttributes": _session_attributes(event, attributes),
            "dialogAction": {"type": "Close"},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": message}],
    }


def lex_elicit_intent(event: Any, message: str) -> dict[str, Any]:
    """Hand the conversation back to Lex to recognise what the user wants next (no intent touched)."""
    return {
        "sessionState": {
            "sessionAttributes": _session_attributes(event, None),
            "dialogAction": {"type": "ElicitIntent"},
        },
        "messages": [{"contentType": "PlainText", "content": message}],
    }


def lex_elicit_slot(event: Any, slot: str, message: str) -> dict[str, Any]:
    """Ask again for one slot whose value was not acceptable; only a slot the intent defines."""
    if slot not in defined_slots(event):
        raise ValueError(f"intent {_intent(event).get('name')!r} defines no slot {slot!r}")
    intent = dict(_intent(event))
    slots = dict(intent.get("slots") or {})
    slots[slot] = None
    intent["slots"] = slots
    intent["state"] = "InProgress"
    return {
        "sessionState": {
            "sessionAttributes": _session_attributes(event, None),
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": slot},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": message}],
    }
