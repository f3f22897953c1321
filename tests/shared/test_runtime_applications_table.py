"""The one applications-table adapter: conditional writes only, raw tokens for the next condition,
and failures named by the exception types the caller chose."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from riskline_runtime.applications_table import ApplicationsTable, TableConflict, TableUnavailable, UnreadableItem
from riskline_runtime.settings import ConfigurationError
from riskline_schema import Application, ApplicationRecord, ApplicationStatus, AuditDecision, RiskAssessment

TABLE = "riskline-test-applications"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
EVENT = Path(__file__).parents[1] / "functions" / "etl" / "events" / "sync_request.json"


class Refused(Exception):
    pass


@pytest.fixture
def dynamodb():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "application_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "application_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def _record(application_id: str = "app-rt-00000001") -> ApplicationRecord:
    document = json.loads(EVENT.read_text())["application"] | {"application_id": application_id}
    return ApplicationRecord(
        application=Application.model_validate(document),
        status=ApplicationStatus.PENDING_SCORE,
        scoring_attempts=1,
        created_at=NOW,
        updated_at=NOW,
    )


def _assessment(application_id: str, scored_at: datetime) -> RiskAssessment:
    return RiskAssessment.model_validate(
        {
            "application_id": application_id,
            "tier": "low",
            "probability": 0.1,
            "decision_hint": "accept",
            "reason_codes": ["HIGH_DTI"],
            "model_version": "riskline-xgb-20261101T0900-0f0f0f0f",
            "scored_at": scored_at,
            "latency_ms": 12.0,
        }
    )


def test_new_items_are_never_overwritten_and_reads_carry_their_raw_tokens(dynamodb):
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    assert table.put_new(record) is True
    assert table.put_new(record.model_copy(update={"scoring_attempts": 5})) is False
    stored = table.read(record.application_id)
    assert stored is not None and stored.record.scoring_attempts == 1
    assert (
        stored.updated_at_raw
        == dynamodb.get_item(TableName=TABLE, Key={"application_id": {"S": record.application_id}})["Item"][
            "updated_at"
        ]["S"]
    )
    assert stored.scored_at_raw is None
    assert table.get("app-rt-missing01") is None and table.read("app-rt-missing01") is None


def test_an_amendment_lands_only_over_the_version_read(dynamodb):
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    table.put_new(record)
    token = table.read(record.application_id).updated_at_raw
    newer = record.model_copy(update={"updated_at": NOW + timedelta(minutes=1), "version": 2})
    assert table.replace(newer, expected_updated_at=token) is True
    assert table.replace(newer.model_copy(update={"version": 3}), expected_updated_at=token) is False
    assert table.get(record.application_id).version == 2


def test_an_assessment_is_saved_once_and_a_rescore_only_over_the_one_it_replaces(dynamodb):
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    table.put_new(record)
    pending = table.read(record.application_id)
    assert table.save_assessment(pending, _assessment(record.application_id, NOW), NOW) is True
    assert table.save_assessment(pending, _assessment(record.application_id, NOW), NOW) is False  # no longer pending
    scored = table.read(record.application_id)
    assert scored.record.status is ApplicationStatus.SCORED and scored.scored_at_raw is not None
    later = NOW + timedelta(hours=1)
    assert table.save_assessment(scored, _assessment(record.application_id, later), later) is True
    assert table.save_assessment(scored, _assessment(record.application_id, later), later) is False  # stale token


def test_audits_append_to_the_history_and_nothing_is_created_for_an_unknown_id(dynamodb):
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    table.put_new(record)

    def decision(outcome: str, minutes: int) -> AuditDecision:
        return AuditDecision(
            application_id=record.application_id,
            outcome=outcome,
            auditor_id="auditor-1",
            decided_at=NOW + timedelta(minutes=minutes),
        )

    table.append_audit(decision("accept", 1), NOW + timedelta(minutes=1))
    updated = table.append_audit(decision("reject", 2), NOW + timedelta(minutes=2))
    assert [a.outcome for a in updated.audits] == ["accept", "reject"] and updated.audit.outcome == "reject"
    ghost = decision("accept", 3).model_copy(update={"application_id": "app-rt-missing01"})
    assert table.append_audit(ghost, NOW) is None
    assert table.read("app-rt-missing01") is None


def test_versions_only_move_forward_even_when_a_writers_clock_reading_predates_the_stored_one(dynamodb):
    """An audit request that started before the scorer's write (and re-read it on the race) still
    writes a later `updated_at`: the lake and the warehouse keep the newest version of each item."""
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    table.put_new(record)
    scored_at = NOW + timedelta(seconds=5)
    assert table.save_assessment(table.read(record.application_id), _assessment(record.application_id, NOW), scored_at)
    early = NOW + timedelta(seconds=1)  # the audit's clock reading, before the assessment landed
    decision = AuditDecision(application_id=record.application_id, outcome="accept", auditor_id="a-1", decided_at=early)

    audited = table.append_audit(decision, early)

    assert audited.updated_at == scored_at + timedelta(microseconds=1)
    assert table.read(record.application_id).record.updated_at > scored_at


def test_an_assessment_computed_over_a_version_that_changed_meanwhile_is_not_saved(dynamodb):
    table = ApplicationsTable(dynamodb, TABLE)
    record = _record()
    table.put_new(record)
    pending = table.read(record.application_id)
    decision = AuditDecision(application_id=record.application_id, outcome="reject", auditor_id="a-1", decided_at=NOW)
    table.append_audit(decision, NOW + timedelta(seconds=2))  # lands between the scorer's read and its write

    assert table.save_assessment(pending, _assessment(record.application_id, NOW), NOW + timedelta(seconds=1)) is False
    again = table.read(record.application_id)
    assert again.record.audit.outcome == "reject" and again.record.status is ApplicationStatus.PENDING_SCORE
    assert table.save_assessment(again, _assessment(record.application_id, NOW), NOW + timedelta(seconds=1)) is True
    saved = table.read(record.application_id).record
    assert saved.audit.outcome == "reject" and saved.updated_at > NOW + timedelta(seconds=2)


def test_a_race_that_never_settles_raises_the_callers_conflict(dynamodb, monkeypatch):
    table = ApplicationsTable(dynamodb, TABLE, conflict=Refused)
    record = _record()
    table.put_new(record)
    real_read = table.read
    # Every read returns a token that is already stale, as if another writer always wins.
    monkeypatch.setattr(
        table, "read", lambda i: (s := real_read(i)) and type(s)(s.record, "2000-01-01T00:00:00+00:00", None)
    )
    decision = AuditDecision(
        application_id=record.application_id, outcome="accept", auditor_id="auditor-2", decided_at=NOW
    )
    with pytest.raises(Refused, match="kept changing"):
        table.append_audit(decision, NOW)
    assert TableConflict is not Refused


def test_failures_raise_the_callers_unavailable_type_and_a_missing_name_names_its_variable(dynamodb):
    with pytest.raises(Refused, match="refused the write; nothing was accepted"):
        ApplicationsTable(dynamodb, "no-such-table", unavailable=Refused).put_new(_record())
    with pytest.raises(TableUnavailable):
        ApplicationsTable(dynamodb, "no-such-table").read("app-rt-00000001")
    with pytest.raises(ConfigurationError, match="APPLICATIONS_TABLE is not set"):
        ApplicationsTable(dynamodb, None).read("app-rt-00000001")


def test_an_unreadable_item_is_reported_by_field_never_by_value(dynamodb):
    dynamodb.put_item(
        TableName=TABLE,
        Item={"application_id": {"S": "app-rt-broken01"}, "updated_at": {"S": "x"}, "status": {"S": "4111-secret"}},
    )
    with pytest.raises(UnreadableItem) as info:
        ApplicationsTable(dynamodb, TABLE).read("app-rt-broken01")
    assert "app-rt-broken01" in str(info.value) and "4111-secret" not in str(info.value)
