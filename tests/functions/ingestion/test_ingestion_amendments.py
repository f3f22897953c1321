"""A corrected resubmission (same applicant, loan amount, purpose and day; other details) amends the
stored application: a new version, scored again, answered with the new decision — never the old one."""

from riskline_runtime.applications_table import from_attributes
from riskline_schema import ApplicationRecord


def record(world, application_id):
    return ApplicationRecord.from_item(from_attributes(world.item(application_id)))


def test_a_corrected_income_is_stored_as_the_next_version_and_rescored(world, scorer, call_api, webform):
    _, first = call_api(body=webform(annual_income=85000))

    status, second = call_api(body=webform(annual_income=41000))

    assert status == 200
    assert second["application_id"] == first["application_id"]
    assert (second["version"], second["amended"], second["status"]) == (2, True, "SCORED")
    assert len(scorer.calls) == 2  # scored again, on the corrected facts
    stored = record(world, first["application_id"])
    assert (stored.version, stored.application.annual_income) == (2, 41000)
    assert [(v.version, v.application.annual_income) for v in stored.superseded] == [(1, 85000)]
    assert stored.superseded[0].assessment is not None  # what version 1 was scored as is kept
    assert len(world.items()) == 1


def test_sending_the_corrected_application_again_changes_nothing(world, scorer, call_api, webform):
    call_api(body=webform(annual_income=85000))
    _, amended = call_api(body=webform(annual_income=41000))

    status, again = call_api(body=webform(annual_income=41000))

    assert (status, again["application_id"], again["version"]) == (201, amended["application_id"], 2)
    assert "amended" not in again
    assert record(world, amended["application_id"]).version == 2
    assert len(scorer.calls) == 2


def test_a_correction_sent_with_its_own_idempotency_key_still_amends(world, scorer, call_api, webform):
    _, first = call_api(body=webform(), headers={"Idempotency-Key": "form-submit-1"})

    status, second = call_api(body=webform(annual_income=41000), headers={"Idempotency-Key": "form-submit-2"})

    assert (status, second["application_id"], second["version"]) == (200, first["application_id"], 2)
    assert len(world.items()) == 1


def test_a_correction_that_cannot_be_scored_now_is_stored_pending_and_queued(world, scorer, call_api, webform):
    _, first = call_api(body=webform())
    scorer.fail = True

    status, second = call_api(body=webform(annual_income=41000))

    assert (status, second["status"], second["version"]) == (202, "PENDING_SCORE", 2)
    assert [m["application_id"] for m in world.messages()] == [first["application_id"]]
    stored = record(world, first["application_id"])
    assert stored.assessment is None and stored.application.annual_income == 41000


def test_an_audited_application_is_not_amended_and_the_409_names_it(world, scorer, call_api, webform, audit_as):
    _, first = call_api(body=webform())
    audit_as(first["application_id"], {"outcome": "accept"})
    before = world.item(first["application_id"])

    status, body = call_api(body=webform(annual_income=41000))

    assert status == 409
    assert body["error"]["code"] == "not_amendable"
    assert body["error"]["application_id"] == first["application_id"]
    assert first["application_id"] in body["error"]["message"]
    assert world.item(first["application_id"]) == before
