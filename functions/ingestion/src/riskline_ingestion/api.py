"""REST API entry point (API Gateway REST proxy events v1): every route, one error shape.

Handler string: `riskline_ingestion.api.handler`.
"""

import json
import re
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from pydantic import ValidationError

from riskline_runtime.observability import entry_point, logger
from riskline_schema import Application, AuditRequest, FieldProblem, describe_validation_error, utc_now

from . import observability as obs
from . import path_params, payloads, service, wiring, workbench_api
from .answers import BatchAnswer, SubmissionAnswer
from .auditors import auditor_of
from .errors import ChannelMismatch, IngestionError, NotFound, ValidationFailed
from .http_body import BATCH_LIMIT_BYTES, SINGLE_LIMIT_BYTES, json_object
from .idempotency import digest, fingerprint, run_once
from .redaction import safe_field

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_VALIDATION_STATUSES = {400, 413, 415, 422}

app = APIGatewayRestResolver()  # path parameters: path_params; bodies: the shared schema


def _json(status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type="application/json", body=json.dumps(document), headers=headers)


def _error_response(error: IngestionError) -> Response:
    if error.status in _VALIDATION_STATUSES:
        channel = app.context.get("channel", "unknown")
        obs.count(obs.REJECTED_VALIDATION, channel)
        logger.info(
            "request rejected",
            extra={"code": error.code, "fields": [safe_field(p.field) for p in error.problems], "channel": channel},
        )
    return _json(error.status, error.body())


@app.exception_handler(IngestionError)
def _on_ingestion_error(error: IngestionError) -> Response:
    return _error_response(error)


@app.exception_handler(Exception)
def _on_unexpected(error: Exception) -> Response:
    """A fault of ours: same error shape, and only the exception's type is logged (its text may hold input)."""
    logger.error("unexpected failure", extra={"error": type(error).__name__})
    return _json(500, IngestionError("internal error; nothing was accepted").body())


@app.not_found
def _on_not_found(_: NotFoundError) -> Response:
    return _json(404, NotFound("no such route").body())


def _idempotency_key(route: str, body: dict[str, Any]) -> tuple[str, str] | None:
    """The client's Idempotency-Key, scoped to its API key and route, with the body's fingerprint."""
    event = app.current_event
    value = event.headers.get("idempotency-key")
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.match(value):
        raise ValidationFailed(
            "bad Idempotency-Key header",
            [FieldProblem(field="Idempotency-Key", problem="must be 1-255 visible ASCII characters")],
        )
    identity = event.request_context.identity
    caller = identity.api_key_id or identity.api_key or ""
    return digest("header", route, caller, value), fingerprint(body)


def _require_channel(channel: str) -> None:
    """The API key names the channel (one key and usage plan per channel): a body cannot claim another."""
    identity = app.current_event.request_context.identity
    bound = wiring.settings().channel_api_key_ids.get(identity.api_key_id or "")
    if bound == channel:
        return
    if bound is None:
        problem = "this API key is bound to no channel"
        message = f"this API key is bound to no channel, so it cannot submit {channel} applications"
    else:
        problem = f"must be {bound} for this API key"
        message = f"this API key belongs to the {bound} channel; it cannot submit {channel} applications"
    logger.warning("channel refused for this API key", extra={"channel": channel, "key_channel": bound})
    raise ChannelMismatch(message, [FieldProblem(field="channel", problem=problem)])


def _body(limit: int) -> dict[str, Any]:
    event = app.current_event
    return json_object(event.headers, event.body, event.is_base64_encoded, limit)


@app.post("/applications")
def post_application():
    body = _body(SINGLE_LIMIT_BYTES)
    channel = body.get("channel", "webform")
    app.append_context(channel=channel if channel in payloads.SUBMISSION_CHANNELS else "unknown")
    obs.count(obs.RECEIVED, app.context["channel"])
    if channel in payloads.SUBMISSION_CHANNELS:  # another value is a 422 from the adapter
        _require_channel(channel)
    application = payloads.submission(body, utc_now())
    logger.set_correlation_id(application.application_id)
    header = _idempotency_key("/applications", body)
    if header is None:
        answer = _submit_or_amend(application)
    else:  # a retried request (same header, same body) gets its first answer, amendments included
        key, payload = header
        answer = run_once(key, lambda: _submit_or_amend(application), SubmissionAnswer, app.lambda_context, payload)
    # A correction scored inline changed an existing resource (200); a duplicate gets the first status.
    status = (200 if answer.amended else 201) if answer.is_scored else 202
    return _json(
        status,
        answer.model_dump(mode="json", exclude_none=True),
        {"Location": f"/applications/{answer.application_id}"},
    )


def _submit_or_amend(application: Application) -> SubmissionAnswer:
    """New natural key: a new application. Known one: the same submission again, or a correction of it."""
    intake = wiring.intake()
    first = run_once(
        payloads.natural_key(application),
        lambda: service.submit(application, intake),
        SubmissionAnswer,
        app.lambda_context,
    )
    if first.application_id == application.application_id:
        return first
    logger.set_correlation_id(first.application_id)
    answer = service.resubmit(first.application_id, application, intake)
    logger.info("resubmission answered", extra={"amended": answer.amended, "version": answer.version})
    return answer


@app.post("/applications/batch")
def post_batch():
    body = _body(BATCH_LIMIT_BYTES)
    app.append_context(channel="mail")
    items = body.get("applications")
    obs.count(obs.RECEIVED, "mail", len(items) if isinstance(items, list) else 1)
    _require_channel("mail")
    applications = payloads.batch(body, utc_now())
    key, payload = _idempotency_key("/applications/batch", body) or (
        digest("batch", fingerprint(body), utc_now().date().isoformat()),
        None,
    )
    answer = run_once(
        key, lambda: service.accept_batch(applications, wiring.intake()), BatchAnswer, app.lambda_context, payload
    )
    logger.info("batch accepted", extra={"count": answer.count})
    return _json(202, answer.model_dump(mode="json"))


@app.get("/applications/<application_id>")
def get_application(application_id: str):
    application_id = path_params.application_id(application_id)
    logger.set_correlation_id(application_id)
    return _json(200, service.status_of(application_id, wiring.store()))


@app.put("/applications/<application_id>/audit")
def put_audit(application_id: str):
    application_id = path_params.application_id(application_id)
    logger.set_correlation_id(application_id)
    auditor = auditor_of(app.current_event.raw_event.get("requestContext") or {})
    body = _body(SINGLE_LIMIT_BYTES)
    problems: list[FieldProblem] = []
    if "auditor_id" in body:  # who decided is the authenticated principal; a body cannot name someone else
        problems.append(
            FieldProblem(field="auditor_id", problem="not accepted: the auditor is the signed-in principal")
        )
        body = {k: v for k, v in body.items() if k != "auditor_id"}
    try:
        request = AuditRequest.model_validate(body)
    except ValidationError as exc:
        problems += describe_validation_error(exc)
    if problems:
        raise ValidationFailed("the audit decision has invalid fields", problems)
    decision = service.record_audit(
        application_id, request, auditor, wiring.settings().audit_grade_scale, wiring.store(), utc_now()
    )
    logger.info(
        "audit recorded",
        extra={"outcome": decision.outcome.value, "graded": decision.grade is not None, "source": auditor.source},
    )
    return _json(200, decision.model_dump(mode="json", exclude_none=True))


app.include_router(workbench_api.router, prefix="/workbench")


@entry_point(with_metrics=False)  # metrics go out one by one (observability.count)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
