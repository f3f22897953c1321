"""REST bodies → Applications, with every bad field named; and the natural idempotency keys."""

from datetime import datetime
from typing import Any

from riskline_schema import Application, Channel, FieldProblem, new_application_id
from riskline_schema.channels import InvalidPayload, application_from_flat, application_from_submission

from .errors import ValidationFailed
from .idempotency import digest

SUBMISSION_CHANNELS = ("webform", "mobile")
MAX_BATCH = 100


def submission(body: dict[str, Any], now: datetime) -> Application:
    """`POST /applications`: the web form's canonical body or the mobile app's, told apart by `channel`."""
    channel = body.get("channel", "webform")
    if channel not in SUBMISSION_CHANNELS:
        raise ValidationFailed(
            "unknown channel",
            [FieldProblem(field="channel", problem=f"must be one of {', '.join(SUBMISSION_CHANNELS)}")],
        )
    try:
        return application_from_submission(body, application_id=new_application_id(), submitted_at=now)
    except InvalidPayload as exc:
        raise ValidationFailed("the application has invalid fields", exc.problems) from None


def batch(body: dict[str, Any], now: datetime) -> list[Application]:
    """`POST /applications/batch`: `{"applications": [flat maps]}`, 1-100 items, all valid or none taken."""
    problems = [FieldProblem(field=k, problem="unknown field") for k in sorted(body) if k != "applications"]
    items = body.get("applications")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        problems.append(FieldProblem(field="applications", problem=f"must be a list of 1 to {MAX_BATCH} objects"))
        raise ValidationFailed("the batch is not acceptable", problems)
    applications: list[Application] = []
    for index, item in enumerate(items):
        where = f"applications[{index}]"
        if not isinstance(item, dict):
            problems.append(FieldProblem(field=where, problem="must be a JSON object"))
            continue
        try:
            applications.append(
                application_from_flat(item, channel=Channel.MAIL, application_id=new_application_id(), submitted_at=now)
            )
        except InvalidPayload as exc:
            problems += [FieldProblem(field=f"{where}.{p.field}", problem=p.problem) for p in exc.problems]
    if problems:
        raise ValidationFailed("the batch has invalid applications; none was accepted", problems)
    return applications


def natural_key(application: Application) -> str:
    """Same applicant, same loan, same day, same channel: the same submission (hashed: it holds PII)."""
    return digest(
        "natural",
        application.channel.value,
        application.applicant.national_id,
        application.applicant.date_of_birth.isoformat(),
        f"{application.loan_amount:.2f}",
        application.loan_purpose.value,
        application.submitted_at.date().isoformat(),
    )
