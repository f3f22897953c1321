"""The review queue's sparse index attributes follow each write path: store, score, rescore, audit."""

from datetime import UTC, datetime, timedelta

from riskline_ingestion import payloads, wiring
from riskline_runtime.applications_table import ApplicationsTable
from riskline_schema import ApplicationRecord, ApplicationStatus, AuditDecision, RiskAssessment, RiskTier

from .conftest import APPLICATIONS_TABLE, MODEL_VERSION, load_event

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
HINTS = {RiskTier.LOW: "accept", RiskTier.MEDIUM: "review", RiskTier.HIGH: "reject"}


def application():
    return payloads.submission(load_event("webform_body.json"), NOW - timedelta(hours=3))


def assessment(app, tier: RiskTier, at: datetime = NOW) -> RiskAssessment:
    return RiskAssessment(
        application_id=app.application_id,
        probability={RiskTier.LOW: 0.05, RiskTier.MEDIUM: 0.4, RiskTier.HIGH: 0.9}[tier],
        tier=tier,
        decision_hint=HINTS[tier],
        model_version=MODEL_VERSION,
        scored_at=at,
    )


def queued_ids(world) -> list[str]:
    response = world.dynamodb.query(
        TableName=APPLICATIONS_TABLE,
        IndexName="review-queue-index",
        KeyConditionExpression="review_queue = :channel",
        ExpressionAttributeValues={":channel": {"S": "webform"}},
    )
    return [item["application_id"]["S"] for item in response["Items"]]


def test_only_an_unaudited_review_record_carries_the_index_attributes_and_they_round_trip():
    app = application()
    medium = ApplicationRecord(
        application=app,
        status=ApplicationStatus.SCORED,
        assessment=assessment(app, RiskTier.MEDIUM),
        created_at=NOW,
        updated_at=NOW,
    )
    item = medium.to_item()

    assert item["review_queue"] == "webform"
    assert item["review_since"] == f"{item['submitted_at']}#{app.application_id}"
    assert ApplicationRecord.from_item(item) == medium
    low = medium.model_copy(update={"assessment": assessment(app, RiskTier.LOW)})
    audited = medium.model_copy(
        update={
            "audit": AuditDecision(
                application_id=app.application_id, outcome="accept", auditor_id="a.b", decided_at=NOW
            )
        }
    )
    pending = medium.model_copy(update={"assessment": None, "status": ApplicationStatus.PENDING_SCORE})
    for record in (low, audited, pending):
        assert "review_queue" not in record.to_item() and "review_since" not in record.to_item()


def test_scoring_later_into_review_enqueues_and_a_rescore_out_of_review_dequeues(world):
    app = application()
    pending = ApplicationRecord(application=app, status=ApplicationStatus.PENDING_SCORE, created_at=NOW, updated_at=NOW)
    assert wiring.store().put_new(pending)
    table = ApplicationsTable(world.dynamodb, APPLICATIONS_TABLE)

    assert queued_ids(world) == []
    assert table.save_assessment(table.read(app.application_id), assessment(app, RiskTier.MEDIUM), NOW)
    assert queued_ids(world) == [app.application_id]
    later = NOW + timedelta(minutes=5)
    assert table.save_assessment(table.read(app.application_id), assessment(app, RiskTier.LOW, later), later)
    assert queued_ids(world) == []
    assert table.read(app.application_id).record.assessment.tier is RiskTier.LOW


def test_an_audit_takes_the_application_out_of_the_queue(world):
    app = application()
    record = ApplicationRecord(
        application=app,
        status=ApplicationStatus.SCORED,
        assessment=assessment(app, RiskTier.MEDIUM),
        created_at=NOW,
        updated_at=NOW,
    )
    assert wiring.store().put_new(record)
    assert queued_ids(world) == [app.application_id]

    decision = AuditDecision(
        application_id=app.application_id, outcome="reject", auditor_id="auditor.one", decided_at=NOW
    )
    assert wiring.store().append_audit(decision, NOW) is not None

    assert queued_ids(world) == []
