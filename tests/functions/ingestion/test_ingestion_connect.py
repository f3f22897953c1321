"""Amazon Connect: contact attributes in, a flat string map out (status, tier, decision, message)."""

import copy

import pytest

from riskline_ingestion import connect


@pytest.fixture
def connect_event(flat, event_json):
    template = event_json("connect_contact_flow.json")

    def build(contact_id="5ca32fbd-8f92-46af-92a5-6b0f970f0efe", drop=(), **overrides):
        event = copy.deepcopy(template)
        attributes = {k: v for k, v in flat(**overrides).items() if k not in drop}
        event["Details"]["ContactData"]["Attributes"] |= attributes
        event["Details"]["ContactData"]["ContactId"] = contact_id
        return event

    return build


def test_scored_call_answers_a_flat_string_map_and_stores_the_application(world, scorer, context, connect_event):
    answer = connect.handler(connect_event(), context)

    assert all(isinstance(v, str) for v in answer.values())
    assert set(answer) == {"application_id", "status", "tier", "decision", "message"}
    assert (answer["status"], answer["tier"], answer["decision"]) == ("SCORED", "low", "accept")
    item = world.item(answer["application_id"])
    assert item["channel"]["S"] == "phone"


def test_the_callers_number_fills_phone_when_the_flow_did_not_ask(world, scorer, context, connect_event):
    answer = connect.handler(connect_event(drop=("phone",)), context)

    phone = world.item(answer["application_id"])["application"]["M"]["applicant"]["M"]["phone"]["S"]
    assert phone == "+15550107777"


def test_scoring_failure_answers_pending_and_queues(world, scorer, context, connect_event):
    scorer.fail = True

    answer = connect.handler(connect_event(), context)

    assert answer["status"] == "PENDING_SCORE"
    assert "tier" not in answer and "decision" not in answer
    assert len(world.messages()) == 1


def test_bad_attributes_answer_invalid_naming_each_field_and_write_nothing(world, scorer, context, connect_event):
    answer = connect.handler(connect_event(loan_amount="five", postal_code="ABC"), context)

    assert answer["status"] == "INVALID"
    assert set(answer["invalid_fields"].split(",")) == {"loan_amount", "postal_code"}
    assert "loan amount" in answer["message"]
    assert world.nothing_written() and scorer.calls == []


def test_the_same_contact_invoking_twice_gets_one_record(world, scorer, context, connect_event):
    first = connect.handler(connect_event(), context)
    second = connect.handler(connect_event(), context)

    assert first == second
    assert len(world.items()) == 1


def test_store_outage_answers_unavailable(world, scorer, context, connect_event):
    world.dynamodb.delete_table(TableName="riskline-test-applications")

    answer = connect.handler(connect_event(), context)

    assert answer["status"] == "UNAVAILABLE"
    assert world.idempotency_records() == []


def test_an_event_that_is_not_from_connect_is_a_wiring_fault(world, context):
    with pytest.raises(ValueError):
        connect.handler({"Records": []}, context)


def test_two_applications_in_one_contact_are_two_records_with_their_own_answers(
    world, scorer, context, flat, event_json
):
    # One call, two Lambda blocks: the flow passes each application as the block's parameters.
    template = event_json("connect_contact_flow_all_fields.json")
    first_event, second_event = copy.deepcopy(template), copy.deepcopy(template)
    first_event["Details"]["Parameters"] = flat()
    second_event["Details"]["Parameters"] = flat(loan_amount="4000", loan_purpose="car")

    first = connect.handler(first_event, context)
    second = connect.handler(second_event, context)
    again = connect.handler(copy.deepcopy(second_event), context)  # Connect retrying the second block

    assert first["application_id"] != second["application_id"]
    assert again == second
    stored = {item["application_id"]["S"]: item for item in world.items()}
    assert set(stored) == {first["application_id"], second["application_id"]}
    loan = stored[second["application_id"]]["application"]["M"]["loan_amount"]["N"]
    assert float(loan) == 4000
