"""Amazon Lex V2 fulfillment entry point: slots → Application → scored or queued → a message the bot speaks.

Handler string: `riskline_ingestion.lex.handler`. A bad slot is asked for again (ElicitSlot) when the
intent defines it, else the conversation closes as Failed naming the problem; it ends (Close) with the
decision, or with "received, we will follow up" when scoring later. Lex calls this function for every
intent of the bot alias: an intent that is not an application (Welcome, FallbackIntent… no application
slots) is delegated back to the bot on a dialog hook and answered ElicitIntent at fulfillment.
"""

from typing import Any

from riskline_runtime.observability import entry_point, logger
from riskline_schema import Application, new_application_id, utc_now
from riskline_schema.channels import (
    InvalidPayload,
    application_from_lex,
    is_application_intent,
    lex_close,
    lex_elicit_intent,
    lex_elicit_slot,
)
from riskline_schema.channels.lex import FIELD_FOR_SLOT, defined_slots

from . import observability as obs
from . import service, wiring
from .answers import SubmissionAnswer
from .errors import Conflict, StoreUnavailable
from .idempotency import content_of, digest, run_once
from .redaction import safe_field

CHANNEL = "chatbot"
NOT_AN_APPLICATION = 'I can take a loan application for you. Say "I want to apply for a loan" to start.'


def _key(event: dict[str, Any], application: Application) -> str:
    """One answer per application in a Lex request: a redelivery (same session, request and answers)
    gets the first answer; another application in the same session or request is a new one."""
    session = event.get("sessionId", "")
    request_id = (event.get("sessionState") or {}).get("originatingRequestId") or ""
    return digest("lex", session, request_id, content_of(application))


def _intent_name(event: dict[str, Any]) -> str:
    return str(((event.get("sessionState") or {}).get("intent") or {}).get("name", ""))


def _spoken(answer: SubmissionAnswer) -> str:
    if answer.is_scored and answer.decision_hint is not None:
        outcome = {
            "accept": "looks good and is on its way to approval",
            "review": "needs a quick review by our team",
            "reject": "is unlikely to be approved as it stands; an auditor will confirm",
        }[answer.decision_hint.value]
        return f"Thank you. Your application {answer.application_id} {outcome}."
    return f"Thank you. We have received your application {answer.application_id} and will follow up shortly."


def _delegate(event: dict[str, Any]) -> dict[str, Any]:
    """A dialog code hook call: let the bot keep eliciting; validation happens once, at fulfillment."""
    state = event.get("sessionState") or {}
    return {
        "sessionState": {
            "sessionAttributes": state.get("sessionAttributes") or {},
            "dialogAction": {"type": "Delegate"},
            "intent": state.get("intent"),
        }
    }


def _ask_again(event: dict[str, Any], error: InvalidPayload) -> dict[str, Any]:
    obs.count(obs.REJECTED_VALIDATION, CHANNEL)
    logger.info("slots rejected", extra={"fields": [safe_field(p.field) for p in error.problems]})
    askable = defined_slots(event)
    for problem in error.problems:
        if problem.field in FIELD_FOR_SLOT and problem.field in askable:
            label = FIELD_FOR_SLOT[problem.field].replace("_", " ")
            return lex_elicit_slot(event, problem.field, f"Sorry, I could not use that {label}: {problem.problem}.")
    summary = "; ".join(p.problem for p in error.problems)
    return lex_close(event, f"Sorry, I could not take this application: {summary}.", fulfilled=False)


@entry_point(with_metrics=False)  # metrics go out one by one (observability.count)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("invocationSource") == "DialogCodeHook":
        return _delegate(event)
    if isinstance((event.get("sessionState") or {}).get("intent"), dict) and not is_application_intent(event):
        # An intent name is the bot's configuration, not the user's input: safe to log.
        logger.info("not an application intent", extra={"intent": _intent_name(event)[:100]})
        return lex_elicit_intent(event, NOT_AN_APPLICATION)
    obs.count(obs.RECEIVED, CHANNEL)
    try:
        application = application_from_lex(event, application_id=new_application_id(), submitted_at=utc_now())
    except InvalidPayload as error:
        if any(p.field == "sessionState.intent" for p in error.problems):
            raise  # not a Lex event at all: a wiring fault, not a caller's mistake
        return _ask_again(event, error)
    logger.set_correlation_id(application.application_id)
    try:
        answer = run_once(
            _key(event, application), lambda: service.submit(application, wiring.intake()), SubmissionAnswer, context
        )
    except (StoreUnavailable, Conflict) as error:
        logger.warning("application not taken", extra={"code": error.code})
        return lex_close(
            event, "Sorry, we could not take your application right now. Please try again shortly.", fulfilled=False
        )
    logger.set_correlation_id(answer.application_id)
    return lex_close(
        event,
        _spoken(answer),
        fulfilled=True,
        attributes={"application_id": answer.application_id, "status": answer.status.value},
    )
