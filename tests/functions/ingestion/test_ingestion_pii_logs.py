"""No PII value (names, email, phone, national id, date of birth, street) reaches a log line on any path."""

import copy
import csv
import io
import logging

import pytest

from riskline_ingestion import connect, lex, mailroom, wiring
from riskline_ingestion.errors import StoreUnavailable
from riskline_runtime.observability import logger
from riskline_schema.channels.lex import SLOT_FOR_FIELD

PII = {
    "webform": ("Ada", "Lovelace", "ada.lovelace@example.com", "010-1234", "219-09-9999", "219099999", "1985-03-02",
                "Analytical Engine"),
    "mobile": ("Alan", "Turing", "alan.turing@example.com", "5550104321", "287654320", "1990-06-23", "Bletchley Park"),
    "flat": ("Grace", "Hopper", "grace.hopper@example.org", "555-010-9876", "5550109876", "318-44-2077", "318442077",
             "12/09/1976", "1976-12-09", "Navy Yard"),
}  # fmt: skip


@pytest.fixture
def captured(monkeypatch, caplog, capfd):
    """Everything logged while the test runs: ours and powertools' at DEBUG, the rest at INFO.

    (botocore's own DEBUG wire log prints request bodies; nothing in a Lambda turns it on.)"""
    buffer = io.StringIO()
    handler = logger.registered_handler
    monkeypatch.setattr(handler, "stream", buffer)
    level = logger.log_level
    logger.setLevel("DEBUG")
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools")
    yield lambda: buffer.getvalue() + caplog.text + "".join(capfd.readouterr())
    logger.setLevel(level)


def assert_no_pii(text):
    assert text, "nothing was captured: the check would prove nothing"
    for values in PII.values():
        for value in values:
            assert value not in text, f"{value!r} leaked into the logs"


def test_rest_paths_log_no_pii(world, scorer, call_api, webform, mobile, flat, captured, monkeypatch):
    call_api(body=webform())
    call_api(body=mobile())
    scorer.fail = True
    _, pending = call_api(body=webform(loan_amount=20000))
    call_api(body=webform(loan_amount=20000))  # duplicate
    bad = webform(loan_amount=1)
    bad["applicant"] = bad["applicant"] | {"Ada Lovelace 219-09-9999": "ada.lovelace@example.com"}
    call_api(body=bad)
    call_api(body=mobile(loan={"amount": 1, "termMonths": 7, "purpose": "car"}))
    call_api(raw='{"applicant": {"first_name": "Ada", "last_name": "Lovelace"')
    call_api(path="/applications/batch", body={"applications": [flat(), flat(**{"Grace Hopper": "318-44-2077"})]})
    call_api(path="/applications/batch", body={"applications": [flat()]})
    call_api("GET", f"/applications/{pending['application_id']}")
    call_api("PUT", f"/applications/{pending['application_id']}/audit", {"outcome": "accept", "auditor_id": "aud-1"})

    class BrokenStore:
        def put_new(self, record):
            raise StoreUnavailable("down")

    monkeypatch.setattr(wiring, "store", lambda: BrokenStore())
    status, _ = call_api(body=webform(loan_amount=30000))
    assert status == 503  # the store-failure path logs the application with the applicant erased

    text = captured()
    assert "application store write failed" in text and "*****" in text
    assert_no_pii(text)


def test_lex_connect_and_mailroom_paths_log_no_pii(world, scorer, context, event_json, flat, captured):
    def slots(values):
        return {
            SLOT_FOR_FIELD[k]: {"shape": "Scalar", "value": {"originalValue": v, "interpretedValue": v}}
            for k, v in values.items()
        }

    lex_event = event_json("lex_v2_fulfillment.json")
    lex_event["sessionState"]["intent"]["slots"] = slots(flat())
    lex.handler(lex_event, context)
    bad_lex = copy.deepcopy(lex_event)
    bad_lex["sessionState"]["intent"]["slots"] = slots(flat(postal_code="Navy Yard", email="Grace Hopper"))
    bad_lex["sessionState"]["originatingRequestId"] = "another-request"
    lex.handler(bad_lex, context)

    connect_event = event_json("connect_contact_flow.json")
    connect_event["Details"]["ContactData"]["Attributes"] |= flat()
    connect.handler(connect_event, context)
    connect_event["Details"]["ContactData"]["Attributes"] |= {"national_id": "nope", "ContactId": "x"}
    connect_event["Details"]["ContactData"]["ContactId"] = "c0ffee00-0000-4000-8000-00000000beef"
    connect.handler(connect_event, context)

    out = io.StringIO()
    rows = [flat(), flat(annual_income="plenty"), flat(state="XX")]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    for key, text in (
        ("mailroom/incoming/a.csv", out.getvalue()),
        ("mailroom/incoming/b.csv", out.getvalue().split("\n", 1)[1]),
    ):
        response = world.s3.put_object(Bucket="riskline-test-lake", Key=key, Body=text.encode())
        event = event_json("s3_object_created.json")
        event["Records"][0]["s3"]["object"] |= {
            "key": key,
            "size": len(text),
            "eTag": response["ETag"].strip('"'),
            "versionId": response["VersionId"],
        }
        mailroom.handler(event, context)

    assert len(world.items()) == 3  # lex, connect and the good CSV row: the paths really ran
    assert_no_pii(captured())
