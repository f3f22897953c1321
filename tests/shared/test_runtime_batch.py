"""The partial batch response: every record handled, failures named by Lambda's identifiers."""

import pytest

from riskline_runtime.batch import BatchFailed, partial_response, sqs_message_id, stream_sequence_number


def sqs(*ids):
    return [{"messageId": i, "body": f"body-{i}"} for i in ids]


def stream(*sequence_numbers):
    return [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": s}} for s in sequence_numbers]


def failing_on(*bad):
    seen = []

    def handle(record):
        seen.append(record)
        if record.get("messageId") in bad or record.get("dynamodb", {}).get("SequenceNumber") in bad:
            raise ValueError(f"cannot handle {record}")

    return handle, seen


def test_all_good_reports_nothing_and_handles_every_record():
    handle, seen = failing_on()
    assert partial_response(sqs("a", "b", "c"), handle, sqs_message_id) == {"batchItemFailures": []}
    assert [r["messageId"] for r in seen] == ["a", "b", "c"]


def test_a_failure_is_reported_by_message_id_and_the_records_after_it_still_run():
    handle, seen = failing_on("b")
    response = partial_response(sqs("a", "b", "c"), handle, sqs_message_id)
    assert response == {"batchItemFailures": [{"itemIdentifier": "b"}]}
    assert len(seen) == 3


def test_stream_failures_are_reported_by_sequence_number_in_order():
    handle, _ = failing_on("200", "400")
    response = partial_response(stream("100", "200", "300", "400"), handle, stream_sequence_number)
    assert response == {"batchItemFailures": [{"itemIdentifier": "200"}, {"itemIdentifier": "400"}]}


def test_every_record_failing_fails_the_invocation_naming_each_failure():
    handle, seen = failing_on("a", "b")
    with pytest.raises(BatchFailed) as failed:
        partial_response(sqs("a", "b"), handle, sqs_message_id)
    assert len(seen) == 2
    assert [identifier for identifier, _ in failed.value.failures] == ["a", "b"]
    assert "all 2 records" in str(failed.value)
    assert "a: ValueError: cannot handle" in str(failed.value)


def test_an_empty_batch_is_an_empty_response_not_a_failure():
    handle, _ = failing_on()
    assert partial_response([], handle, sqs_message_id) == {"batchItemFailures": []}


def test_the_records_may_be_any_iterable():
    handle, seen = failing_on()
    partial_response(iter(sqs("a")), handle, sqs_message_id)
    assert len(seen) == 1
