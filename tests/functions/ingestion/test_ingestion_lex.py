"""Lex V2 fulfillment: slots in, a message the bot speaks out; bad slots are asked for again."""

import copy

import pytest

from riskline_ingestion import lex
from riskline_schema.channels.lex import SLOT_FOR_FIELD


def slot(value):
    return {"shape": "Scalar", "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]}}


@pytest.fixture
def lex_event(flat, event_json):
    template = event_json("lex_v2_fulfillment.json")

    def build(request_id="3f2b1c0a-9e8d-4c7b-a6f5-e4d3c2b1a090", **overrides):
        event = copy.deepcopy(template)
        slots = {SLOT_FOR_FIELD[k]: slot(v) for k, v in flat(**overrides).items()}
        event["sessionState"]["intent"]["slots"] = slots
        event["interpretations"][0]["intent"]["slots"] = slots
        if request_id is None:
            del event["sessionState"]["originatingRequestId"]
        else:
            event["sessionState"]["originatingRequestId"] = request_id
        return event

    return build


def test_fulfilled_application_closes_with_the_decision_and_is_stored(world, scorer, context, lex_event):
    answer = lex.handler(lex_event(), context)

    state = answer["sessionState"]
    assert state["dialogAction"] == {"type": "Close"}
    assert state["intent"]["state"] == "Fulfilled"
    app_id = state["sessionAttributes"]["application_id"]
    assert state["sessionAttributes"]["visit"] == "1"  # the bot's own attributes are kept
    assert app_id in answer["messages"][0]["content"]
    assert "approval" in answer["messages"][0]["content"]
    item = world.item(app_id)
    assert (item["channel"]["S"], item["status"]["S"]) == ("chatbot", "SCORED")


def test_scoring_failure_closes_fulfilled_with_a_follow_up_message_and_queues(world, scorer, context, lex_event):
    scorer.fail = True

    answer = lex.handler(lex_event(), context)

    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert answer["sessionState"]["sessionAttributes"]["status"] == "PENDING_SCORE"
    assert "follow up" in answer["messages"][0]["content"]
    assert len(world.messages()) == 1


def test_a_bad_slot_is_elicited_again_and_nothing_is_written(world, scorer, context, lex_event):
    answer = lex.handler(lex_event(loan_amount="a lot"), context)

    action = answer["sessionState"]["dialogAction"]
    assert action == {"type": "ElicitSlot", "slotToElicit": "loanAmount"}
    assert answer["sessionState"]["intent"]["slots"]["loanAmount"] is None
    assert "loan amount" in answer["messages"][0]["content"]
    assert world.nothing_written() and scorer.calls == []


def test_an_unknown_slot_closes_as_failed(world, context, lex_event):
    event = lex_event()
    event["sessionState"]["intent"]["slots"]["favouriteColour"] = slot("teal")

    answer = lex.handler(event, context)

    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert "unknown slot" in answer["messages"][0]["content"]
    assert world.nothing_written()


def test_a_redelivered_request_gets_the_same_answer_and_one_record(world, scorer, context, lex_event):
    first = lex.handler(lex_event(), context)
    second = lex.handler(lex_event(), context)

    assert first == second
    assert len(world.items()) == 1


def test_without_a_request_id_the_slots_identify_the_request(world, scorer, context, lex_event):
    first = lex.handler(lex_event(request_id=None), context)
    second = lex.handler(lex_event(request_id=None), context)
    other = lex.handler(lex_event(request_id=None, loan_amount="15000"), context)

    assert first == second
    assert other != first
    assert len(world.items()) == 2


def test_store_outage_closes_as_failed_asking_to_retry(world, scorer, context, lex_event):
    world.dynamodb.delete_table(TableName="riskline-test-applications")

    answer = lex.handler(lex_event(), context)

    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert "try again" in answer["messages"][0]["content"]
    assert world.idempotency_records() == []


def test_an_event_that_is_not_from_lex_is_a_wiring_fault(world, context):
    with pytest.raises(ValueError):
        lex.handler({"hello": "world"}, context)


def test_a_dialog_code_hook_call_delegates_back_to_the_bot_and_writes_nothing(world, scorer, context, lex_event):
    event = lex_event(loan_amount="a lot")
    event["invocationSource"] = "DialogCodeHook"

    answer = lex.handler(event, context)

    assert answer["sessionState"]["dialogAction"] == {"type": "Delegate"}
    assert world.nothing_written() and scorer.calls == []


@pytest.mark.parametrize("sample", ["lex_v2_fallback_intent.json", "lex_v2_welcome_intent.json"])
def test_an_intent_that_is_not_an_application_hands_back_to_lex_and_writes_nothing(
    world, scorer, context, event_json, sample
):
    event = event_json(sample)

    answer = lex.handler(event, context)

    state = answer["sessionState"]
    assert state["dialogAction"] == {"type": "ElicitIntent"}
    assert "intent" not in state  # nothing added to an intent that defines no slots
    assert state["sessionAttributes"] == event["sessionState"]["sessionAttributes"]
    assert "apply for a loan" in answer["messages"][0]["content"]
    assert world.nothing_written() and scorer.calls == []


def test_a_missing_value_for_a_slot_the_intent_does_not_define_closes_failed_instead_of_eliciting(
    world, scorer, context, lex_event
):
    event = lex_event()
    del event["sessionState"]["intent"]["slots"]["annualIncome"]  # this bot's intent has no such slot

    answer = lex.handler(event, context)

    state = answer["sessionState"]
    assert state["dialogAction"] == {"type": "Close"}
    assert state["intent"]["state"] == "Failed"
    assert "annualIncome" not in state["intent"]["slots"]
    assert world.nothing_written()


def test_a_missing_value_for_a_defined_but_unfilled_slot_is_elicited(world, scorer, context, lex_event):
    event = lex_event()
    event["sessionState"]["intent"]["slots"]["annualIncome"] = None  # defined, not filled yet

    answer = lex.handler(event, context)

    assert answer["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "annualIncome"}
    assert world.nothing_written()


def test_a_second_application_in_the_same_session_and_request_is_stored_and_answered_on_its_own(
    world, scorer, context, lex_event
):
    first = lex.handler(lex_event(), context)
    second = lex.handler(lex_event(loan_amount="4000", loan_purpose="car"), context)

    first_id = first["sessionState"]["sessionAttributes"]["application_id"]
    second_id = second["sessionState"]["sessionAttributes"]["application_id"]
    assert first_id != second_id
    assert second_id in second["messages"][0]["content"]
    assert {item["application_id"]["S"] for item in world.items()} == {first_id, second_id}
