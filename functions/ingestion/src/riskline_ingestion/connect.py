"""Amazon Connect entry point: contact attributes → Application → a flat string map the flow branches on.

Handler string: `riskline_ingestion.connect.handler`. The answer always carries `status`:
SCORED, PENDING_SCORE, INVALID (with `invalid_fields`) or UNAVAILABLE; Connect never sees an exception
for a caller's mistake.
"""

from typing import Any

from riskline_runtime.observability import entry_point, logger
from riskline_schema import new_application_id, utc_now
from riskline_schema.channels import InvalidPayload, application_from_connect, connect_response
from riskline_schema.channels.connect import contact_id

from . import observability as obs
from . import service, wiring
from .answers import SubmissionAnswer
from .errors import Conflict, StoreUnavailable
from .idempotency import content_of, digest, run_once
from .redaction import safe_field

CHANNEL = "phone"


def _message(answer: SubmissionAnswer) -> str:
    if answer.is_scored and answer.decision_hint is not None:
        return {
            "accept": "Your application looks good and is on its way to approval.",
            "review": "Your application needs a quick review by our team.",
            "reject": "Your application is unlikely to be approved as it stands; an auditor will confirm.",
        }[answer.decision_hint.value]
    return "We have received your application and will follow up shortly."


@entry_point(with_metrics=False)  # metrics go out one by one (observability.count)
def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    contact = contact_id(event)  # not a Connect event at all → raises: a wiring fault
    obs.count(obs.RECEIVED, CHANNEL)
    try:
        application = application_from_connect(event, application_id=new_application_id(), submitted_at=utc_now())
    except InvalidPayload as error:
        fields = [p.field for p in error.problems]
        obs.count(obs.REJECTED_VALIDATION, CHANNEL)
        logger.info("contact attributes rejected", extra={"fields": [safe_field(f) for f in fields]})
        return connect_response(
            status="INVALID",
            message="Some answers could not be used: " + ", ".join(f.replace("_", " ") for f in fields) + ".",
            invalid_fields=fields,
        )
    logger.set_correlation_id(application.application_id)
    try:
        # One contact can carry several Lambda invocations, each a different application: the key is
        # the contact and what was applied for, so only a retried invocation gets the first answer.
        key = digest("connect", contact, content_of(application))
        answer = run_once(key, lambda: service.submit(application, wiring.intake()), SubmissionAnswer, context)
    except (StoreUnavailable, Conflict) as error:
        logger.warning("application not taken", extra={"code": error.code})
        return connect_response(status="UNAVAILABLE", message="We could not take your application right now.")
    logger.set_correlation_id(answer.application_id)
    return connect_response(
        application_id=answer.application_id,
        status=answer.status.value,
        tier=answer.tier.value if answer.tier else None,
        decision=answer.decision_hint.value if answer.decision_hint else None,
        message=_message(answer),
    )
