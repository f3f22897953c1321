"""The workbench's REST routes, a powertools Router included in the one REST handler (`api.handler`).

One handler per API: API Gateway proxies every route of the REST API to one function, so the
workbench shares its error shape, validation and logging instead of a second copy of them; the
routes live here so the channel routes' module stays about channels. Every route first checks the
sign-in (401 without one, 403 outside the auditors' group).
"""

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from riskline_runtime.observability import logger

from . import path_params, wiring, workbench
from .http_body import SINGLE_LIMIT_BYTES, json_object
from .settings import settings
from .workbench_auth import SignedIn, signed_in_auditor

router = Router()


def _json(status: int, document: Any) -> Response:
    import json

    # Workbench answers carry PII: never cached by a browser or a proxy.
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(document),
        headers={"Cache-Control": "no-store"},
    )


def _auditor() -> SignedIn:
    return signed_in_auditor(router.current_event.raw_event, settings().workbench_auditor_group)


def _query(name: str) -> str | None:
    return router.current_event.get_query_string_value(name)


@router.get("/queue")
def get_queue():
    _auditor()
    part = workbench.parse_slice(_query("channel"), _query("since"), _query("until"))
    limit = workbench.parse_limit(_query("limit"))
    return _json(200, workbench.queue_page(part, _query("cursor"), limit, wiring.workbench()))


@router.get("/applications/<application_id>")
def get_application(application_id: str):
    auditor = _auditor()
    application_id = path_params.application_id(application_id)
    logger.set_correlation_id(application_id)
    request_id = router.current_event.request_context.request_id or ""
    view = workbench.open_application(application_id, auditor, request_id, wiring.workbench())
    logger.info("application viewed in the workbench", extra={"auditor": auditor.auditor_id})
    return _json(200, view)


@router.post("/applications/<application_id>/decision")
def post_decision(application_id: str):
    auditor = _auditor()
    application_id = path_params.application_id(application_id)
    logger.set_correlation_id(application_id)
    event = router.current_event
    decision = workbench.parse_decision(
        json_object(event.headers, event.body, event.is_base64_encoded, SINGLE_LIMIT_BYTES)
    )
    answer = workbench.decide(application_id, decision, auditor, wiring.workbench())
    logger.info("workbench decision recorded", extra={"auditor": auditor.auditor_id, "outcome": decision.outcome.value})
    return _json(200, answer)


@router.get("/stats")
def get_stats():
    _auditor()
    return _json(200, workbench.stats(wiring.workbench()))
