"""Auditor decisions: who decided is the authenticated principal, every decision is kept (the latest is
the label), and a grade must belong to the configured vocabulary."""

import json

import pytest

from riskline_ingestion import settings
from riskline_runtime.applications_table import from_attributes
from riskline_schema import ApplicationRecord

from .conftest import AUDITOR_ARN

LETTERS = {"A": "low", "B": "low", "C": "medium", "D": "medium", "E": "high", "F": "high", "G": "high"}


def stored(world, application_id):
    return ApplicationRecord.from_item(from_attributes(world.item(application_id)))


@pytest.fixture
def application_id(world, scorer, call_api, webform):
    return call_api(body=webform())[1]["application_id"]


def test_the_decision_is_recorded_under_the_signing_iam_principal_and_shown_in_status(
    world, call_api, audit_as, application_id
):
    status, body = audit_as(
        application_id, {"outcome": "reject", "decided_at": "2026-11-29T13:00:00Z", "reason_code": "DTI"}
    )

    assert status == 200
    assert (body["outcome"], body["application_id"]) == ("reject", application_id)
    assert (body["auditor_id"], body["auditor_source"]) == (AUDITOR_ARN, "iam")
    record = stored(world, application_id)
    assert record.audit.auditor_id == AUDITOR_ARN and record.status.value == "SCORED"
    _, shown = call_api("GET", f"/applications/{application_id}")
    assert shown["audit"] == {"outcome": "reject", "decided_at": "2026-11-29T13:00:00+00:00", "decisions": 1}


def test_without_user_arn_the_iam_caller_is_the_auditor(world, make_rest_event, context, application_id):
    from riskline_ingestion import api

    event = make_rest_event("PUT", f"/applications/{application_id}/audit", {"outcome": "accept"})
    event["requestContext"]["identity"]["userArn"] = None

    body = json.loads(api.handler(event, context)["body"])

    assert (body["auditor_id"], body["auditor_source"]) == ("AIDAJQABLZS4A3QDU576Q", "iam")


def test_a_cognito_authorizers_user_is_the_auditor(world, audit_as, application_id):
    claims = {"sub": "7d9f0c2e-1b3a-4c5d-8e6f-0a1b2c3d4e5f", "cognito:username": "jane.doe", "email_verified": "true"}

    status, body = audit_as(application_id, {"outcome": "accept"}, claims=claims)

    assert status == 200
    assert (body["auditor_id"], body["auditor_source"]) == ("jane.doe", "cognito")


def test_a_body_naming_the_auditor_is_refused_naming_the_field_and_records_nothing(world, audit_as, application_id):
    status, body = audit_as(application_id, {"outcome": "accept", "auditor_id": "someone.else"})

    assert status == 422
    assert [p["field"] for p in body["error"]["problems"]] == ["auditor_id"]
    assert "signed-in" in body["error"]["problems"][0]["problem"]
    assert stored(world, application_id).audit is None


def test_without_an_authenticated_principal_the_audit_is_403_and_records_nothing(world, audit_as, application_id):
    status, body = audit_as(application_id, {"outcome": "accept"}, principal=None)

    assert status == 403
    assert body["error"]["code"] == "forbidden"
    assert stored(world, application_id).audit is None


def test_every_decision_is_kept_and_the_latest_is_the_label(world, call_api, audit_as, application_id):
    audit_as(application_id, {"outcome": "accept", "decided_at": "2026-11-29T13:00:00Z"})
    audit_as(
        application_id,
        {"outcome": "reject", "decided_at": "2026-11-30T09:00:00Z"},
        principal="arn:aws:iam::123456789012:user/senior.auditor",
    )

    record = stored(world, application_id)
    assert [(a.outcome.value, a.auditor_id) for a in record.audits] == [
        ("accept", AUDITOR_ARN),
        ("reject", "arn:aws:iam::123456789012:user/senior.auditor"),
    ]
    assert record.audit == record.audits[-1]
    _, shown = call_api("GET", f"/applications/{application_id}")
    assert (shown["audit"]["outcome"], shown["audit"]["decisions"]) == ("reject", 2)


def test_a_grade_of_the_default_three_tier_vocabulary_is_recorded_with_its_tier(world, audit_as, application_id):
    status, body = audit_as(application_id, {"outcome": "reject", "grade": "High"})

    assert status == 200
    assert (body["grade"], body["grade_tier"]) == ("high", "high")
    assert (stored(world, application_id).audit.grade_tier.value) == "high"


def test_letter_grades_map_to_their_configured_tiers(world, audit_as, application_id, monkeypatch):
    monkeypatch.setenv("AUDIT_GRADE_SCALE", json.dumps(LETTERS))
    settings.settings.cache_clear()

    status, body = audit_as(application_id, {"outcome": "accept", "grade": "c"})

    assert status == 200
    assert (body["grade"], body["grade_tier"]) == ("C", "medium")


def test_a_grade_outside_the_vocabulary_is_422_naming_the_field_and_the_grades(world, audit_as, application_id):
    status, body = audit_as(application_id, {"outcome": "accept", "grade": "B"})

    assert status == 422
    assert body["error"]["problems"] == [{"field": "grade", "problem": "must be one of low, medium, high"}]
    assert stored(world, application_id).audit is None


def test_invalid_audit_body_is_422_naming_each_field(world, audit_as, application_id):
    status, body = audit_as(application_id, {"outcome": "maybe", "auditor": "x"})

    assert status == 422
    fields = {p["field"]: p["problem"] for p in body["error"]["problems"]}
    assert set(fields) == {"outcome", "auditor"}
    assert fields["auditor"] == "unknown field"
    assert stored(world, application_id).audit is None


def test_audit_of_an_unknown_application_is_404_and_creates_nothing(world, audit_as):
    status, body = audit_as("0123456789abcdef0123456789abcdef", {"outcome": "accept"})

    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert world.items() == []


@pytest.mark.parametrize(
    ("scale", "named"),
    [
        ('{"A": "low", "B": "medium"}', "no grade maps to high"),
        ('{"A": "low", "B": "medium", "C": "severe"}', "severe"),
        ('{"A": "low", "a": "medium", "C": "high"}', "distinct"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_a_bad_grade_vocabulary_fails_at_start_naming_the_problem(world, monkeypatch, scale, named):
    monkeypatch.setenv("AUDIT_GRADE_SCALE", scale)
    settings.settings.cache_clear()

    with pytest.raises(ValueError, match=named):
        settings.settings()
