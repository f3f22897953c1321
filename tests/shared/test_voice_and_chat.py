import pytest

from riskline_schema import Channel
from riskline_schema.channels import (
    InvalidPayload,
    application_from_connect,
    application_from_lex,
    connect_response,
    lex_close,
    lex_elicit_slot,
)
from riskline_schema.channels.lex import SLOT_FOR_FIELD

from .conftest import NOW, flat_values


def lex_event(values: dict[str, str]) -> dict:
    slots = {
        SLOT_FOR_FIELD[k]: {
            "shape": "Scalar",
            "value": {"originalValue": v, "interpretedValue": v, "resolvedValues": [v]},
        }
        for k, v in values.items()
    }
    slots["monthsSinceLastDelinquency"] = slots.get("monthsSinceLastDelinquency")
    return {
        "messageVersion": "1.0",
        "invocationSource": "FulfillmentCodeHook",
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": "s-1",
        "inputTranscript": "yes",
        "bot": {"id": "BOT1", "name": "riskline", "aliasId": "TSTALIASID", "localeId": "en_US", "version": "DRAFT"},
        "sessionState": {
            "sessionAttributes": {"visit": "1"},
            "intent": {
                "name": "ApplyForLoan",
                "slots": slots,
                "state": "ReadyForFulfillment",
                "confirmationState": "Confirmed",
            },
        },
    }


def connect_event(attributes: dict[str, str]) -> dict:
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": attributes | {"flow_step": "done"},
                "Channel": "VOICE",
                "ContactId": "c0ffee00-0000-4000-8000-000000000001",
                "CustomerEndpoint": {"Address": "+15550107777", "Type": "TELEPHONE_NUMBER"},
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/abc",
            },
            "Parameters": {},
        },
    }


def test_lex_slots_become_an_application_with_voice_style_values_cleaned():
    app = application_from_lex(lex_event(flat_values()), application_id="app-00000003", submitted_at=NOW)
    assert app.channel is Channel.CHATBOT
    assert app.annual_income == 72500 and app.loan_amount == 12000
    assert app.income_verification.value == "source_verified"
    assert app.applicant.date_of_birth.isoformat() == "1976-12-09"
    assert app.application_type.value == "joint"


def test_lex_errors_name_the_slot():
    with pytest.raises(InvalidPayload) as info:
        application_from_lex(
            lex_event(flat_values(loan_amount="lots")), application_id="app-00000003", submitted_at=NOW
        )
    assert [p.field for p in info.value.problems] == ["loanAmount"]


def test_lex_responses_close_or_elicit():
    event = lex_event(flat_values())
    closed = lex_close(event, "Approved in principle.", fulfilled=True, attributes={"application_id": "x"})
    assert closed["sessionState"]["dialogAction"] == {"type": "Close"}
    assert closed["sessionState"]["intent"]["state"] == "Fulfilled"
    assert closed["sessionState"]["sessionAttributes"] == {"visit": "1", "application_id": "x"}
    assert closed["messages"][0] == {"contentType": "PlainText", "content": "Approved in principle."}
    elicit = lex_elicit_slot(event, "loanAmount", "How much would you like to borrow?")
    assert elicit["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "loanAmount"}
    assert elicit["sessionState"]["intent"]["slots"]["loanAmount"] is None


def test_not_a_lex_event_is_rejected():
    with pytest.raises(InvalidPayload):
        application_from_lex({"hello": "world"}, application_id="app-00000003", submitted_at=NOW)


def test_connect_attributes_become_an_application_and_caller_number_fills_phone():
    values = flat_values()
    del values["phone"]
    app = application_from_connect(connect_event(values), application_id="app-00000004", submitted_at=NOW)
    assert app.channel is Channel.PHONE
    assert app.applicant.phone == "+15550107777"


def test_connect_parameters_override_attributes():
    event = connect_event(flat_values())
    event["Details"]["Parameters"] = {"loan_amount": "20000"}
    app = application_from_connect(event, application_id="app-00000004", submitted_at=NOW)
    assert app.loan_amount == 20000


def test_connect_response_is_a_flat_string_map():
    out = connect_response(
        application_id="a1", probability=0.25, accepted=True, reasons=["HIGH_DTI", "LOW_INCOME"], gone=None
    )
    assert out == {"application_id": "a1", "probability": "0.25", "accepted": "true", "reasons": "HIGH_DTI,LOW_INCOME"}
    assert all(isinstance(v, str) for v in out.values())


def test_eliciting_a_slot_the_intent_does_not_define_is_refused():
    event = lex_event(flat_values())
    del event["sessionState"]["intent"]["slots"]["annualIncome"]

    with pytest.raises(ValueError, match="annualIncome"):
        lex_elicit_slot(event, "annualIncome", "again please")
