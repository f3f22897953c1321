"""REST API: the real-time path, degradation to PENDING_SCORE, duplicates, status and audit."""

import json
from decimal import Decimal

import pytest

from riskline_ingestion import wiring
from riskline_ingestion.errors import StoreUnavailable


def test_scored_inline_webform_answers_201_with_the_decision_and_stores_the_item(world, scorer, call_api, webform):
    status, body = call_api(body=webform())

    assert status == 201
    assert body["status"] == "SCORED"
    assert (body["tier"], body["decision_hint"], body["reason_codes"]) == ("low", "accept", ["LOW_DTI", "LONG_HISTORY"])
    assert body["probability"] == pytest.approx(0.12)
    item = world.item(body["application_id"])
    assert item["status"]["S"] == "SCORED"
    assert item["channel"]["S"] == "webform"
    assert item["assessment"]["M"]["tier"]["S"] == "low"
    assert item["application"]["M"]["applicant"]["M"]["last_name"]["S"] == "Lovelace"
    assert world.messages() == []


def test_mobile_body_is_told_apart_by_channel_and_stored_as_mobile(world, scorer, call_api, mobile):
    status, body = call_api(body=mobile())

    assert status == 201
    assert world.item(body["application_id"])["channel"]["S"] == "mobile"


def test_created_answer_points_at_the_status_route(world, scorer, context, make_rest_event, webform):
    from riskline_ingestion import api

    response = api.handler(make_rest_event(body=webform()), context)
    body_id = response["body"].split('"application_id": "')[1].split('"')[0]
    assert response["multiValueHeaders"]["Location"] == [f"/applications/{body_id}"]


def test_scoring_failure_stores_pending_and_queues_exactly_one_request(world, scorer, call_api, webform):
    scorer.fail = True

    status, body = call_api(body=webform())

    assert status == 202
    assert body == {"application_id": body["application_id"], "status": "PENDING_SCORE", "reason_codes": []}
    item = world.item(body["application_id"])
    assert item["status"]["S"] == "PENDING_SCORE"
    assert "assessment" not in item
    assert item["scoring_attempts"]["N"] == "1"
    messages = world.messages()
    assert len(messages) == 1
    assert messages[0]["application_id"] == body["application_id"]
    assert messages[0]["reason"] == "scoring_failed"


def test_real_scoring_client_failing_in_moto_degrades_to_pending(world, call_api, webform):
    # moto's Lambda invoke without Docker answers FunctionError: the real client must treat it as "not scored".
    status, body = call_api(body=webform())

    assert status == 202
    assert world.item(body["application_id"])["status"]["S"] == "PENDING_SCORE"
    assert len(world.messages()) == 1


def test_queue_failure_after_the_store_still_answers_202_and_keeps_the_item(
    world, scorer, call_api, webform, monkeypatch, capfd, caplog
):
    scorer.fail = True
    monkeypatch.setenv("SCORING_QUEUE_URL", world.queue_url + "-gone")
    wiring.queue.cache_clear()
    from riskline_ingestion import settings

    settings.settings.cache_clear()

    status, body = call_api(body=webform())

    assert status == 202
    assert world.item(body["application_id"])["status"]["S"] == "PENDING_SCORE"
    assert '"QueueSendFailures"' in capfd.readouterr().out
    assert "stored but not queued" in caplog.text


def test_store_failure_answers_503_caches_nothing_and_a_retry_succeeds(world, scorer, call_api, webform, monkeypatch):
    real_store = wiring.store()

    class BrokenStore:
        def put_new(self, record):
            raise StoreUnavailable("the application store refused the write; nothing was accepted")

    monkeypatch.setattr(wiring, "store", lambda: BrokenStore())
    status, body = call_api(body=webform())

    assert status == 503
    assert body["error"]["code"] == "store_unavailable"
    assert world.items() == [] and world.idempotency_records() == [] and world.messages() == []

    monkeypatch.setattr(wiring, "store", lambda: real_store)
    status, body = call_api(body=webform())
    assert status == 201
    assert len(world.items()) == 1


def test_duplicate_submission_gets_the_same_answer_and_leaves_one_record(world, scorer, call_api, webform):
    first = call_api(body=webform())
    second = call_api(body=webform())

    assert first == second
    assert first[0] == 201
    assert len(world.items()) == 1
    assert len(scorer.calls) == 1


def test_duplicate_pending_submission_is_queued_once(world, scorer, call_api, webform):
    scorer.fail = True
    first = call_api(body=webform())
    second = call_api(body=webform())

    assert first == second and first[0] == 202
    assert len(world.items()) == 1
    assert len(world.messages()) == 1


def test_idempotency_key_header_makes_a_retry_return_the_first_answer(world, scorer, call_api, webform):
    headers = {"Idempotency-Key": "order-7f3a9c"}
    first = call_api(body=webform(), headers=headers)
    # Same key, same content, different key order and whitespace: still the same request.
    second = call_api(raw=" " + json.dumps(dict(reversed(list(webform().items())))), headers=headers)

    assert first == second
    assert len(world.items()) == 1


def test_idempotency_key_reused_for_a_different_body_is_a_conflict(world, scorer, call_api, webform):
    headers = {"Idempotency-Key": "order-7f3a9c"}
    call_api(body=webform(), headers=headers)

    status, body = call_api(body=webform(loan_amount=20000), headers=headers)

    assert status == 409
    assert body["error"]["code"] == "conflict"
    assert len(world.items()) == 1


def test_different_loans_from_the_same_applicant_are_separate_applications(world, scorer, call_api, webform):
    call_api(body=webform())
    call_api(body=webform(loan_amount=20000))

    assert len(world.items()) == 2


def test_status_shows_progress_and_verdict_but_no_applicant_data(world, scorer, call_api, webform):
    _, created = call_api(body=webform())

    status, body = call_api("GET", f"/applications/{created['application_id']}")

    assert status == 200
    assert body["status"] == "SCORED"
    assert (body["tier"], body["decision_hint"], body["model_version"]) == ("low", "accept", created["model_version"])
    assert body["reason_codes"] == ["LOW_DTI", "LONG_HISTORY"]
    assert body["audit"] is None
    text = str(body)
    for value in ("Ada", "Lovelace", "219-09-9999", "219099999", "1985-03-02", "ada.lovelace@example.com", "Row"):
        assert value not in text


def test_status_of_a_pending_application_has_no_verdict_yet(world, scorer, call_api, webform):
    scorer.fail = True
    _, created = call_api(body=webform())

    status, body = call_api("GET", f"/applications/{created['application_id']}")

    assert (status, body["status"], body["tier"], body["decision_hint"]) == (200, "PENDING_SCORE", None, None)


def test_status_of_an_unknown_id_is_404(world, call_api):
    status, body = call_api("GET", "/applications/0123456789abcdef0123456789abcdef")

    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_status_with_a_malformed_id_is_422_naming_the_path_parameter(world, call_api):
    status, body = call_api("GET", "/applications/x!")

    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    assert [p["field"] for p in body["error"]["problems"]] == ["application_id"]


def test_unknown_route_is_404_in_the_error_shape(world, call_api):
    status, body = call_api("GET", "/nowhere")

    assert status == 404
    assert set(body["error"]) == {"code", "message", "problems"}


def test_stored_numbers_round_trip_exactly(world, scorer, call_api, webform):
    _, created = call_api(body=webform(debt_to_income=18.37))

    item = world.item(created["application_id"])["application"]["M"]
    assert Decimal(item["debt_to_income"]["N"]) == Decimal("18.37")


def test_a_fraction_too_small_for_dynamodb_is_stored_as_zero_not_a_server_error(world, scorer, call_api, webform):
    # Found by the fuzz: 2e-232 is a valid percentage, but DynamoDB numbers stop at 1e-130.
    status, body = call_api(body=webform(revolving_utilization=2e-232))

    assert status == 201
    assert world.item(body["application_id"])["application"]["M"]["revolving_utilization"]["N"] in ("0", "0.0")


def test_an_unexpected_fault_is_500_in_the_error_shape_and_caches_nothing(world, call_api, webform, monkeypatch):
    class Exploding:
        def score(self, application):
            raise RuntimeError("bug")

    monkeypatch.setattr(wiring, "scorer", lambda: Exploding())

    status, body = call_api(body=webform())

    assert status == 500
    assert body["error"]["code"] == "internal_error"
    assert world.nothing_written()


def test_idempotency_store_outage_is_503_and_nothing_is_stored(world, scorer, call_api, webform):
    world.dynamodb.delete_table(TableName="riskline-test-idempotency")
    try:
        status, body = call_api(body=webform())
    finally:
        world.dynamodb.create_table(
            TableName="riskline-test-idempotency",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )

    assert status == 503
    assert body["error"]["code"] == "store_unavailable"
    assert world.items() == [] and world.messages() == []


def test_the_same_idempotency_key_from_two_api_keys_is_two_requests(world, scorer, context, make_rest_event, webform):
    from riskline_ingestion import api

    # Different loans, so only the header's scope could make them one request (a reused key → 409).
    first = make_rest_event(body=webform(), headers={"Idempotency-Key": "abc-1"})
    second = make_rest_event(body=webform(loan_amount=20000), headers={"Idempotency-Key": "abc-1"})
    second["requestContext"]["identity"] |= {"apiKey": "webform-key-rotated-fedcba98", "apiKeyId": "z9y8x7w6v5"}

    answers = [json.loads(api.handler(event, context)["body"]) for event in (first, second)]

    assert answers[0]["application_id"] != answers[1]["application_id"]
    assert len(world.items()) == 2
