from datetime import timedelta

import pytest
from pydantic import ValidationError

from riskline_schema import (
    ApplicationRecord,
    ApplicationStatus,
    AuditDecision,
    LakeRecord,
    RiskAssessment,
    ScoringError,
    ScoringResult,
    applicant_key,
    auditor_key,
)
from riskline_schema.channels import application_from_submission

from .conftest import NOW, webform_body

APP = application_from_submission(webform_body(), application_id="app-00000005", submitted_at=NOW)
ASSESSMENT = RiskAssessment(
    application_id=APP.application_id,
    probability=0.71,
    tier="high",
    decision_hint="reject",
    reason_codes=["HIGH_DTI", "RECENT_INQUIRIES"],
    model_version="xgb-2026.11.29-abc123",
    scored_at=NOW + timedelta(milliseconds=40),
    latency_ms=12.5,
)
AUDIT = AuditDecision(
    application_id=APP.application_id, outcome="reject", auditor_id="auditor.7", decided_at=NOW + timedelta(days=1)
)


def test_dynamodb_item_round_trips_with_decimals():
    record = ApplicationRecord(
        application=APP,
        status=ApplicationStatus.SCORED,
        assessment=ASSESSMENT,
        audit=AUDIT,
        created_at=NOW,
        updated_at=NOW,
    )
    item = record.to_item()
    assert item["application_id"] == "app-00000005" and item["status"] == "SCORED" and item["channel"] == "webform"
    assert not any(isinstance(v, float) for v in item["assessment"].values())
    assert ApplicationRecord.from_item(item) == record


def test_pending_item_leaves_out_absent_documents():
    item = ApplicationRecord(application=APP, status="PENDING_SCORE", created_at=NOW, updated_at=NOW).to_item()
    assert "assessment" not in item and "audit" not in item


def test_lake_record_has_no_pii_but_a_stable_keyed_applicant_hash():
    record = ApplicationRecord(
        application=APP, status="SCORED", assessment=ASSESSMENT, audit=AUDIT, created_at=NOW, updated_at=NOW
    )
    row = LakeRecord.from_record(record, secret=b"lake-key")
    text = row.model_dump_json()
    for secret in ("Ada", "Lovelace", "ada@example.com", "123456789", "1985-03-02", "Main St", "5550101234"):
        assert secret not in text
    assert row.applicant_key == applicant_key(APP.applicant, b"lake-key") != applicant_key(APP.applicant, b"other")
    assert (row.tier.value, row.audit_outcome.value, row.partition) == (
        "high",
        "reject",
        "dt=2026-11-29/channel=webform",
    )


def test_decision_hint_must_follow_tier():
    with pytest.raises(ValidationError, match="decision_hint"):
        RiskAssessment(**ASSESSMENT.model_dump() | {"decision_hint": "accept"})


def test_scoring_result_carries_exactly_one_outcome():
    assert ScoringResult(assessment=ASSESSMENT).error is None
    error = ScoringError(kind="timeout", message="endpoint did not answer in 1500 ms", retryable=True)
    assert ScoringResult(error=error).assessment is None
    with pytest.raises(ValidationError):
        ScoringResult()
    with pytest.raises(ValidationError):
        ScoringResult(assessment=ASSESSMENT, error=error)


def test_a_schema_1_0_item_is_still_readable_and_new_writes_carry_the_current_version():
    record = ApplicationRecord(
        application=APP, status=ApplicationStatus.SCORED, assessment=ASSESSMENT, created_at=NOW, updated_at=NOW
    )
    item = record.to_item()
    assert item["schema_version"] == "1.1" and item["assessment"]["schema_version"] == "1.1"
    old = {**item, "schema_version": "1.0", "application": {**item["application"], "schema_version": "1.0"}}
    old["assessment"] = {**item["assessment"], "schema_version": "1.0"}
    back = ApplicationRecord.from_item(old)
    assert back.schema_version == "1.0" and back.assessment.schema_version == "1.0"
    with pytest.raises(ValidationError, match="schema_version"):
        ApplicationRecord.from_item({**item, "schema_version": "9.9"})


def test_a_schema_1_0_audited_item_and_lake_row_stay_readable():
    # As stored before 1.1: the body's auditor_id, no grade, no history, no version fields.
    audit_1_0 = {"schema_version": "1.0", "application_id": APP.application_id, "outcome": "reject",
                 "auditor_id": "auditor.7", "decided_at": "2026-11-30T12:00:00Z"}  # fmt: skip
    item = ApplicationRecord(application=APP, status="SCORED", assessment=ASSESSMENT, created_at=NOW, updated_at=NOW)
    doc = {k: v for k, v in item.to_item().items() if k not in ("version", "superseded", "audits")}
    record = ApplicationRecord.from_item(doc | {"schema_version": "1.0", "audit": audit_1_0})
    assert (record.version, record.audits, record.audit.grade, record.audit.auditor_source) == (1, [], None, None)

    row = LakeRecord.from_record(record, secret=b"lake-key").model_dump(mode="json")
    old_row = {k: v for k, v in row.items() if k not in ("application_version", "audit_grade", "audit_grade_tier")}
    back = LakeRecord.model_validate(old_row | {"schema_version": "1.0"})
    assert (back.application_version, back.audit_grade, back.audit_grade_tier, back.audit_outcome.value) == (
        1,
        None,
        None,
        "reject",
    )


def test_a_graded_decision_reaches_the_lake_row_as_grade_and_tier():
    graded = AuditDecision(
        application_id=APP.application_id, outcome="reject", grade="F", grade_tier="high",
        auditor_id="arn:aws:iam::123456789012:user/jane", auditor_source="iam", decided_at=NOW, recorded_at=NOW,
    )  # fmt: skip
    record = ApplicationRecord(
        application=APP, status="SCORED", assessment=ASSESSMENT, audit=graded, audits=[graded],
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    row = LakeRecord.from_record(record, secret=b"lake-key")
    assert (row.audit_outcome.value, row.audit_grade, row.audit_grade_tier.value) == ("reject", "F", "high")
    assert "jane" not in row.model_dump_json()  # who decided is in the lake only as a keyed hash
    assert row.audited_by == auditor_key("arn:aws:iam::123456789012:user/jane", b"lake-key")
    assert row.audited_by != auditor_key("arn:aws:iam::123456789012:user/jane", b"another-key")


def test_a_grade_without_its_tier_is_refused():
    with pytest.raises(ValidationError, match="grade_tier"):
        AuditDecision(application_id=APP.application_id, outcome="accept", grade="A", auditor_id="a1", decided_at=NOW)
