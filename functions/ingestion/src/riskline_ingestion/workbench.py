"""The auditors' workbench: the review queue, one application in full, a decision, the dashboard.

Plain typed functions over small ports (the store, the review queue, the access log, a clock); no
event shapes. The decision goes through the one audit path (`service.record_audit`).
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from riskline_runtime.applications_table import ApplicationsTable
from riskline_runtime.observability import logger
from riskline_schema import (
    ApplicationRecord,
    AuditOutcome,
    AuditRequest,
    Channel,
    FieldProblem,
    RiskAssessment,
    RiskTier,
    StrictModel,
    describe_validation_error,
    utc_now,
)
from riskline_schema.assessment import AuditGrade, AuditNote

from . import service
from .access_log import AccessLog, LoggedDecision
from .errors import NotFound, StoreUnavailable, ValidationFailed
from .grades import GradeScale, parse_scale
from .reason_wording import in_words
from .review_queue import QueueEntry, QueueSlice, ReviewQueue
from .workbench_auth import SignedIn

DEFAULT_PAGE = 25
MAX_PAGE = 100
STATS_DAYS = 7


@dataclass(frozen=True)
class Workbench:
    store: ApplicationsTable
    queue: ReviewQueue
    log: AccessLog
    scale: GradeScale = field(default_factory=lambda: parse_scale(""))
    clock: Callable[[], datetime] = field(default=utc_now)


class WorkbenchDecision(StrictModel):
    """Body of `POST /workbench/applications/{id}/decision`. Who decides comes from the sign-in."""

    outcome: AuditOutcome
    grade: AuditGrade | None = None
    note: AuditNote | None = None


# -- the queue ---------------------------------------------------------------------------------------


def _cursor_filters(part: QueueSlice) -> dict[str, str | None]:
    return {
        "channel": part.channel.value if part.channel else None,
        "since": part.since.isoformat() if part.since else None,
        "until": part.until.isoformat() if part.until else None,
    }


def encode_cursor(after: str, part: QueueSlice) -> str:
    document = {"after": after, **_cursor_filters(part)}
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, part: QueueSlice) -> str | None:
    """The `review_since` a page starts after; a cursor from other filters (or none of ours) is a 422."""
    if cursor is None:
        return None
    bad = ValidationFailed(
        "bad cursor", [FieldProblem(field="cursor", problem="not a cursor this queue gave for these filters")]
    )
    try:
        document = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(document, dict) or not isinstance(document.get("after"), str):
        raise bad
    if {k: document.get(k) for k in ("channel", "since", "until")} != _cursor_filters(part):
        raise bad
    return document["after"]


def _waited_seconds(submitted_at: datetime, now: datetime) -> int:
    return max(0, int((now - submitted_at).total_seconds()))


def _assessment_view(assessment: RiskAssessment) -> dict[str, Any]:
    return {
        "tier": assessment.tier.value,
        "decision_hint": assessment.decision_hint.value,
        "probability": assessment.probability,
        "tier_probabilities": (
            assessment.tier_probabilities.model_dump() if assessment.tier_probabilities is not None else None
        ),
        "reasons": [{"code": code, "words": in_words(code)} for code in assessment.reason_codes],
        "model_version": assessment.model_version,
        "scored_at": assessment.scored_at.isoformat(),
    }


def _queue_item(entry: QueueEntry, now: datetime) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    submitted_text = entry.review_since.rsplit("#", 1)[0]
    submitted_at = datetime.fromisoformat(submitted_text)
    raw = json.loads(json.dumps(deserialize(entry.item["assessment"]), default=_plain))
    assessment = RiskAssessment.model_validate(raw)
    return {
        "application_id": entry.application_id,
        "channel": entry.item["channel"]["S"],
        "submitted_at": submitted_at.isoformat(),
        "waited_seconds": _waited_seconds(submitted_at, now),
        **_assessment_view(assessment),
    }


def _plain(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def queue_page(part: QueueSlice, cursor: str | None, limit: int, bench: Workbench) -> dict[str, Any]:
    after = decode_cursor(cursor, part)
    entries, more = bench.queue.page(part, after, limit)
    now = bench.clock()
    return {
        "items": [_queue_item(entry, now) for entry in entries],
        "next_cursor": encode_cursor(entries[-1].review_since, part) if more and entries else None,
    }


# -- one application -------------------------------------------------------------------------------


def _record(application_id: str, store: ApplicationsTable) -> ApplicationRecord:
    record = store.get(application_id)
    if record is None:
        raise NotFound(f"no application with id {application_id}")
    return record


def open_application(application_id: str, auditor: SignedIn, request_id: str, bench: Workbench) -> dict[str, Any]:
    """The whole application, PII included — only once the view is on record (no record, no view)."""
    record = _record(application_id, bench.store)
    now = bench.clock()
    bench.log.record_view(application_id, auditor.auditor_id, now, request_id)
    application, audit = record.application, record.audit
    facts = application.model_dump(mode="json", exclude={"schema_version", "application_id", "channel", "submitted_at"})
    return {
        "application_id": application_id,
        "channel": application.channel.value,
        "status": record.status.value,
        "submitted_at": application.submitted_at.isoformat(),
        "waited_seconds": _waited_seconds(application.submitted_at, now),
        "awaits_review": _awaits(record),
        "facts": facts,
        "assessment": _assessment_view(record.assessment) if record.assessment else None,
        "audit": audit.model_dump(mode="json", exclude_none=True, exclude={"schema_version"}) if audit else None,
        "viewed_by": auditor.auditor_id,
        "grades": [{"grade": grade, "tier": tier.value} for grade, tier in _grades_low_to_high(bench.scale)],
    }


def _grades_low_to_high(scale: GradeScale) -> list[tuple[str, RiskTier]]:
    """The scale's grades, low tier first (the page numbers them 1, 2, 3 … in this order)."""
    order = list(RiskTier)
    return sorted(scale.tiers.items(), key=lambda item: order.index(item[1]))


def _awaits(record: ApplicationRecord) -> bool:
    from riskline_schema.review import awaits_review

    return awaits_review(record)


# -- the decision -----------------------------------------------------------------------------------


def model_leaning(assessment: RiskAssessment | None) -> AuditOutcome | None:
    """What the model would have decided: its tier's hint, or for review the more likely outcome."""
    if assessment is None:
        return None
    if assessment.tier is RiskTier.LOW:
        return AuditOutcome.ACCEPT
    if assessment.tier is RiskTier.HIGH:
        return AuditOutcome.REJECT
    return AuditOutcome.REJECT if assessment.probability >= 0.5 else AuditOutcome.ACCEPT


def parse_decision(body: dict[str, Any]) -> WorkbenchDecision:
    try:
        return WorkbenchDecision.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed("the decision has invalid fields", describe_validation_error(exc)) from None


def decide(application_id: str, decision: WorkbenchDecision, auditor: SignedIn, bench: Workbench) -> dict[str, Any]:
    now = bench.clock()
    request = AuditRequest(outcome=decision.outcome, grade=decision.grade, note=decision.note, decided_at=now)
    recorded = service.record_audit(application_id, request, auditor.auditor, bench.scale, bench.store, now)
    record = bench.store.get(application_id)
    leaning = model_leaning(record.assessment if record else None)
    logged = LoggedDecision(
        application_id=application_id,
        auditor=auditor.auditor_id,
        decided_at=now.isoformat(),
        outcome=recorded.outcome.value,
        model_tier=record.assessment.tier.value if record and record.assessment else None,
        model_leaning=leaning.value if leaning else None,
        agrees=(leaning is recorded.outcome) if leaning else None,
    )
    try:
        bench.log.record_decision(logged)
    except StoreUnavailable:
        # The label is stored (the audit path succeeded); only the dashboard misses this one.
        logger.error("decision stored but not logged for the dashboard")
    following, _ = bench.queue.page(QueueSlice(), None, 2)
    return {
        "decision": recorded.model_dump(mode="json", exclude_none=True, exclude={"schema_version"}),
        "next_application_id": next((e.application_id for e in following if e.application_id != application_id), None),
    }


# -- the dashboard ----------------------------------------------------------------------------------


def stats(bench: Workbench, days: int = STATS_DAYS) -> dict[str, Any]:
    now = bench.clock()
    sizes, oldest = bench.queue.size_and_oldest()
    latest: dict[str, LoggedDecision] = {}
    for back in range(days):
        for logged in bench.log.decisions_on((now - timedelta(days=back)).date()):
            kept = latest.get(logged.application_id)
            if kept is None or logged.decided_at > kept.decided_at:
                latest[logged.application_id] = logged
    judged = [d for d in latest.values() if d.agrees is not None]
    by_tier: dict[str, dict[str, Any]] = {}
    for tier in RiskTier:
        in_tier = [d for d in judged if d.model_tier == tier.value]
        by_tier[tier.value] = {"decisions": len(in_tier), "agreement": _share(in_tier)}
    oldest_at = datetime.fromisoformat(oldest.rsplit("#", 1)[0]) if oldest else None
    return {
        "queue": {
            "size": sum(sizes.values()),
            "by_channel": sizes,
            "oldest_submitted_at": oldest_at.isoformat() if oldest_at else None,
            "oldest_waited_seconds": _waited_seconds(oldest_at, now) if oldest_at else None,
        },
        "decisions": {
            "days": days,
            "count": len(latest),
            "agreement": _share(judged),
            "by_tier": by_tier,
            "by_outcome": {o.value: sum(1 for d in latest.values() if d.outcome == o.value) for o in AuditOutcome},
        },
    }


def _share(decisions: list[LoggedDecision]) -> float | None:
    return round(sum(1 for d in decisions if d.agrees) / len(decisions), 4) if decisions else None


def parse_slice(channel: str | None, since: str | None, until: str | None) -> QueueSlice:
    problems: list[FieldProblem] = []
    chosen = None
    if channel is not None:
        try:
            chosen = Channel(channel)
        except ValueError:
            problems.append(
                FieldProblem(field="channel", problem=f"must be one of {', '.join(c.value for c in Channel)}")
            )
    dates = {}
    for name, value in (("since", since), ("until", until)):
        if value is None:
            continue
        try:
            dates[name] = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            problems.append(FieldProblem(field=name, problem="must be a date YYYY-MM-DD (UTC)"))
    if "since" in dates and "until" in dates and dates["since"] > dates["until"]:
        problems.append(FieldProblem(field="until", problem="must not be before since"))
    if problems:
        raise ValidationFailed("the queue filters are invalid", problems)
    return QueueSlice(channel=chosen, since=dates.get("since"), until=dates.get("until"))


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise ValidationFailed(
            "bad limit", [FieldProblem(field="limit", problem=f"must be a whole number 1-{MAX_PAGE}")]
        )
    return int(value)
