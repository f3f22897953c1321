"""The SQS consumer against a moto table: conditional writes, duplicates, rescoring, partial failures."""

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

import riskline_etl.queue_consumer as queue_consumer
from riskline_runtime.applications_table import ApplicationsTable
from riskline_runtime.batch import BatchFailed
from riskline_schema import ApplicationRecord, ApplicationStatus

from .conftest import (
    MODEL_VERSION,
    NOW,
    endpoint_body,
    old_assessment,
    prediction,
    scoring_request,
    sqs_event,
    stored_record,
)

APP_ID = "app-etl-00000001"


@pytest.fixture(autouse=True)
def _wired(monkeypatch, endpoint, table):
    monkeypatch.setattr(queue_consumer, "endpoint", endpoint)
    monkeypatch.setattr(queue_consumer, "table", table)


def read(items, application_id=APP_ID) -> ApplicationRecord:
    return ApplicationRecord.from_item(
        items.get_item(Key={"application_id": application_id}, ConsistentRead=True)["Item"]
    )


def test_pending_application_is_scored_and_marked_scored(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    sagemaker.script = [endpoint_body(prediction("high", 0.9))]
    response = queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context)
    assert response == {"batchItemFailures": []}
    record = read(items)
    assert record.status is ApplicationStatus.SCORED
    assert (record.assessment.tier, record.assessment.model_version) == ("high", MODEL_VERSION)
    assert record.scoring_attempts == 2
    assert record.updated_at >= record.assessment.scored_at
    raw = items.get_item(Key={"application_id": APP_ID})["Item"]
    assert raw["status"] == "SCORED"  # the top-level copy the status index reads


def test_stored_assessment_keeps_the_tier_probabilities(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    probs = {"low": 0.1, "medium": 0.2, "high": 0.7}
    sagemaker.script = [endpoint_body(prediction("high", 0.7, tier_probabilities=probs))]
    assert queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context) == {"batchItemFailures": []}
    assert read(items).assessment.tier_probabilities.model_dump() == probs


def test_duplicate_delivery_of_a_scored_application_changes_nothing(items, application, sagemaker, lambda_context):
    scored = stored_record(application, status=ApplicationStatus.SCORED, assessment=old_assessment(APP_ID))
    items.put_item(Item=scored.to_item())
    event = sqs_event(scoring_request(APP_ID), scoring_request(APP_ID, "batch"))
    response = queue_consumer.handler(event, lambda_context)
    assert response == {"batchItemFailures": []}
    assert sagemaker.calls == []
    assert read(items) == scored


def test_rescore_replaces_the_assessment_it_was_asked_to_replace(items, application, sagemaker, lambda_context):
    previous = old_assessment(APP_ID)
    items.put_item(Item=stored_record(application, status=ApplicationStatus.SCORED, assessment=previous).to_item())
    sagemaker.script = [endpoint_body(prediction("medium", 0.4))]
    response = queue_consumer.handler(sqs_event(scoring_request(APP_ID, "rescore")), lambda_context)
    assert response == {"batchItemFailures": []}
    record = read(items)
    assert record.assessment.model_version == MODEL_VERSION
    assert record.assessment.scored_at > previous.scored_at
    assert record.scoring_attempts == 2


def test_rescore_that_loses_a_race_keeps_the_other_writers_assessment(items, application, sagemaker, lambda_context):
    items.put_item(
        Item=stored_record(application, status=ApplicationStatus.SCORED, assessment=old_assessment(APP_ID)).to_item()
    )
    racer = stored_record(
        application,
        status=ApplicationStatus.SCORED,
        assessment=old_assessment(APP_ID).model_copy(
            update={"model_version": "riskline-xgb-racer", "scored_at": NOW - timedelta(seconds=1)}
        ),
    )
    # While we wait for the endpoint, another rescorer writes its own assessment.
    sagemaker.on_call = lambda: items.put_item(Item=racer.to_item())
    response = queue_consumer.handler(sqs_event(scoring_request(APP_ID, "rescore")), lambda_context)
    assert response == {"batchItemFailures": []}
    assert read(items).assessment.model_version == "riskline-xgb-racer"


def test_first_scoring_that_loses_a_race_is_a_success_without_overwrite(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    winner = stored_record(application, status=ApplicationStatus.SCORED, assessment=old_assessment(APP_ID))
    sagemaker.on_call = lambda: items.put_item(Item=winner.to_item())
    response = queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context)
    assert response == {"batchItemFailures": []}
    assert read(items) == winner


def test_only_failed_messages_are_reported_for_redelivery(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    event = sqs_event(
        scoring_request("app-does-not-exist-1"),
        scoring_request(APP_ID),
        "this is not a scoring request",
        {"application_id": APP_ID, "reason": "because"},
    )
    response = queue_consumer.handler(event, lambda_context)
    ids = [record["messageId"] for record in event["Records"]]
    assert response == {
        "batchItemFailures": [{"itemIdentifier": ids[0]}, {"itemIdentifier": ids[2]}, {"itemIdentifier": ids[3]}]
    }
    assert read(items).status is ApplicationStatus.SCORED


def test_endpoint_failure_fails_the_messages_it_scored_and_leaves_their_items_pending(
    items, application, sagemaker, lambda_context
):
    other = application.model_copy(update={"application_id": "app-etl-00000002"})
    done = application.model_copy(update={"application_id": "app-etl-00000003"})
    items.put_item(Item=stored_record(application).to_item())
    items.put_item(Item=stored_record(other).to_item())
    items.put_item(
        Item=stored_record(
            done, status=ApplicationStatus.SCORED, assessment=old_assessment(done.application_id)
        ).to_item()
    )
    unavailable = ClientError(
        {"Error": {"Code": "ServiceUnavailable", "Message": "down"}, "ResponseMetadata": {"HTTPStatusCode": 503}},
        "InvokeEndpoint",
    )
    sagemaker.script = [unavailable] * 3
    event = sqs_event(scoring_request(APP_ID), scoring_request("app-etl-00000002"), scoring_request("app-etl-00000003"))
    response = queue_consumer.handler(event, lambda_context)
    # The two that needed scoring shared the one request, so both come back; the scored one is done.
    assert response == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"][:2]]}
    assert sagemaker.records_per_call() == [2, 2, 2]  # one request, retried within its budget
    for application_id in (APP_ID, "app-etl-00000002"):
        failed = read(items, application_id)
        assert failed.status is ApplicationStatus.PENDING_SCORE
        assert failed.assessment is None and failed.scoring_attempts == 1


def test_a_batch_is_scored_in_one_endpoint_request_each_item_equal_to_its_own_answer(
    items, application, sagemaker, lambda_context
):
    ids = [f"app-etl-0000001{n}" for n in range(5)]
    for application_id in ids:
        items.put_item(Item=stored_record(application.model_copy(update={"application_id": application_id})).to_item())
    lines = [
        prediction(tier, p) for tier, p in (("low", 0.1), ("high", 0.9), ("medium", 0.5), ("low", 0.2), ("high", 0.8))
    ]
    sagemaker.script = [("".join(json.dumps(line) + "\n" for line in lines).encode(), "application/jsonlines")]
    response = queue_consumer.handler(sqs_event(*(scoring_request(i) for i in ids)), lambda_context)
    assert response == {"batchItemFailures": []}
    assert sagemaker.records_per_call() == [5]
    call = sagemaker.calls[0]
    assert (call["ContentType"], call["Accept"]) == ("application/jsonlines", "application/jsonlines")
    sent = [json.loads(line)["application_id"] for line in call["Body"].splitlines()]
    assert sent == ids  # in message order, so answer N belongs to message N
    for application_id, line in zip(ids, lines, strict=True):
        stored = read(items, application_id)
        assert stored.status is ApplicationStatus.SCORED
        assert (stored.assessment.tier.value, stored.assessment.probability) == (line["tier"], line["probability"])


def test_a_record_the_container_refuses_fails_alone(items, application, sagemaker, lambda_context):
    ids = ["app-etl-00000021", "app-etl-00000022", "app-etl-00000023"]
    for application_id in ids:
        items.put_item(Item=stored_record(application.model_copy(update={"application_id": application_id})).to_item())
    refused = ClientError(
        {
            "Error": {"Code": "ModelError", "Message": "bad input"},
            "OriginalStatusCode": 400,
            "OriginalMessage": json.dumps({"error": "line 2: loan_amount: must be positive"}),
            "ResponseMetadata": {"HTTPStatusCode": 424},
        },
        "InvokeEndpoint",
    )
    single_refused = ClientError(
        {**refused.response, "OriginalMessage": json.dumps({"error": "loan_amount"})}, "InvokeEndpoint"
    )
    sagemaker.script = [refused, endpoint_body(), single_refused, endpoint_body()]
    event = sqs_event(*(scoring_request(i) for i in ids))
    response = queue_consumer.handler(event, lambda_context)
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    assert sagemaker.records_per_call() == [3, 1, 1, 1]
    assert [read(items, i).status for i in ids] == [
        ApplicationStatus.SCORED,
        ApplicationStatus.PENDING_SCORE,
        ApplicationStatus.SCORED,
    ]


def test_the_same_application_twice_in_a_batch_is_scored_once(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    response = queue_consumer.handler(sqs_event(scoring_request(APP_ID), scoring_request(APP_ID)), lambda_context)
    assert response == {"batchItemFailures": []}
    assert sagemaker.records_per_call() == [1]
    assert read(items).scoring_attempts == 2  # ingestion's attempt, then this one


def test_a_batch_where_every_message_fails_is_raised_so_all_are_redelivered(items, lambda_context):
    with pytest.raises(BatchFailed):
        queue_consumer.handler(sqs_event(scoring_request("app-does-not-exist-1"), "{}"), lambda_context)


def test_scoring_request_never_carries_pii_into_the_model_call(items, application, sagemaker, lambda_context):
    items.put_item(Item=stored_record(application).to_item())
    queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context)
    sent = sagemaker.calls[0]["Body"]
    assert json.loads(sent)["application_id"] == APP_ID
    for secret in ("Lovelace", "ada.lovelace@example.com", "219099999"):
        assert secret not in sent


def test_missing_table_name_fails_the_message_clearly(dynamodb, application, lambda_context, monkeypatch):
    monkeypatch.setattr(queue_consumer, "table", ApplicationsTable(dynamodb, ""))
    with pytest.raises(BatchFailed, match="APPLICATIONS_TABLE is not set"):
        queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context)


def test_poison_message_is_failed_without_echoing_its_body_into_the_logs(items, lambda_context, log_lines):
    poison = {"application_id": APP_ID, "reason": "because", "email": "ada.lovelace@example.com"}
    with pytest.raises(BatchFailed):
        queue_consumer.handler(sqs_event(poison), lambda_context)
    logs = log_lines.getvalue()
    assert "scoring request failed" in logs
    assert "reason: Input should be" in logs
    assert "ada.lovelace@example.com" not in logs


def test_unreadable_item_fails_the_message_naming_fields_not_values(items, application, sagemaker, lambda_context):
    item = stored_record(application).to_item()
    item["application"]["applicant"]["email"] = "not-an-email ada.lovelace@example"
    items.put_item(Item=item)
    with pytest.raises(BatchFailed) as failure:
        queue_consumer.handler(sqs_event(scoring_request(APP_ID)), lambda_context)
    assert "application.applicant.email" in str(failure.value)
    assert "ada.lovelace@example" not in str(failure.value)
    assert sagemaker.calls == []


def test_table_throttling_fails_only_that_message_for_redelivery(items, application, lambda_context, monkeypatch):
    other = application.model_copy(update={"application_id": "app-etl-00000002"})
    items.put_item(Item=stored_record(other).to_item())
    real_read = queue_consumer.table.read

    def throttled_for_first(application_id):
        if application_id == APP_ID:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "GetItem"
            )
        return real_read(application_id)

    monkeypatch.setattr(queue_consumer.table, "read", throttled_for_first)
    event = sqs_event(scoring_request(APP_ID), scoring_request("app-etl-00000002"))
    response = queue_consumer.handler(event, lambda_context)
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert read(items, "app-etl-00000002").status is ApplicationStatus.SCORED
