"""Every kind of bad REST input gets a 4xx naming each field and why, and writes nothing anywhere."""

import base64

import pytest


def problems(body):
    return {p["field"]: p["problem"] for p in body["error"]["problems"]}


def test_malformed_json_is_400_and_writes_nothing(world, scorer, call_api):
    status, body = call_api(raw='{"applicant": {"first_name": "Ada",')

    assert status == 400
    assert body["error"]["code"] == "malformed_request"
    assert problems(body) == {"(body)": "malformed JSON"}
    assert world.nothing_written() and scorer.calls == []


@pytest.mark.parametrize("raw", ["[1, 2]", '"a string"', "42", "null"])
def test_a_body_that_is_not_an_object_is_400(world, scorer, call_api, raw):
    status, body = call_api(raw=raw)

    assert status == 400
    assert problems(body) == {"(body)": "must be a JSON object"}
    assert world.nothing_written()


def test_an_empty_body_is_400(world, call_api):
    status, _ = call_api(raw="")

    assert status == 400
    assert world.nothing_written()


def test_nan_is_not_json(world, call_api, webform):
    status, body = call_api(raw='{"annual_income": NaN}')

    assert status == 400
    assert problems(body) == {"(body)": "malformed JSON"}


def test_wrong_types_are_422_naming_each_field(world, scorer, call_api, webform):
    status, body = call_api(body=webform(annual_income="lots", loan_term_months=[36], delinquencies_2y=None))

    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    assert set(problems(body)) == {"annual_income", "loan_term_months", "delinquencies_2y"}
    assert world.nothing_written() and scorer.calls == []


def test_out_of_range_values_are_422_naming_each_field(world, scorer, call_api, webform):
    # A negative debt-to-income is impossible; one above 100 % is a real bureau value (accepted elsewhere).
    status, body = call_api(body=webform(loan_amount=10, debt_to_income=-1, loan_term_months=7))

    assert status == 422
    found = problems(body)
    assert set(found) == {"loan_amount", "debt_to_income", "loan_term_months"}
    assert "500" in found["loan_amount"]
    assert world.nothing_written()


def test_nested_applicant_problems_name_the_dotted_path(world, call_api, webform):
    body = webform()
    body["applicant"] = body["applicant"] | {"national_id": "000-12-3456", "email": "not-an-email"}
    body["applicant"]["address"] = body["applicant"]["address"] | {"state": "ZZ"}

    status, answer = call_api(body=body)

    assert status == 422
    assert set(problems(answer)) == {"applicant.national_id", "applicant.email", "applicant.address.state"}
    assert world.nothing_written()


def test_unknown_fields_are_422_each_named_unknown(world, call_api, webform):
    status, body = call_api(body=webform(shoe_size=9, referrer="friend"))

    assert status == 422
    assert problems(body) == {"shoe_size": "unknown field", "referrer": "unknown field"}
    assert world.nothing_written()


def test_missing_fields_are_named(world, call_api, webform):
    body = webform()
    del body["loan_amount"], body["applicant"]["email"]

    status, answer = call_api(body=body)

    assert status == 422
    assert problems(answer) == {
        "loan_amount": "required field is missing",
        "applicant.email": "required field is missing",
    }


def test_mobile_errors_name_the_fields_as_the_app_sent_them(world, call_api, mobile):
    body = mobile(loan={"amount": 10, "termMonths": 7, "purpose": "car"})

    status, answer = call_api(body=body)

    assert status == 422
    assert set(problems(answer)) == {"loan.amount", "loan.termMonths"}
    assert world.nothing_written()


@pytest.mark.parametrize("channel", ["fax", "chatbot", 7, None])
def test_unknown_channel_is_422_naming_channel(world, call_api, webform, channel):
    status, body = call_api(body=webform(channel=channel))

    assert status == 422
    assert list(problems(body)) == ["channel"]
    assert world.nothing_written()


def test_oversized_body_is_413(world, scorer, call_api, webform):
    status, body = call_api(body=webform(padding="x" * 40_000))

    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert world.nothing_written() and scorer.calls == []


def test_oversized_base64_body_is_measured_after_decoding(world, call_api, webform):
    # 30 KiB of JSON grows past 32 KiB once base64-encoded; it is the decoded size that counts.
    small_enough = webform(padding="x" * (30 * 1024 - len(str(webform()))))
    status, _ = call_api(body=small_enough, base64_body=True)
    assert status == 422  # got past the size check: rejected for the unknown field only

    status, _ = call_api(body=webform(padding="x" * 33_000), base64_body=True)
    assert status == 413
    assert world.nothing_written()


def test_valid_base64_body_is_accepted(world, scorer, call_api, webform):
    status, _ = call_api(body=webform(), base64_body=True)

    assert status == 201


def test_invalid_base64_is_400(world, context, make_rest_event):
    from riskline_ingestion import api

    event = make_rest_event(raw="not base64 at all!")
    event["isBase64Encoded"] = True
    response = api.handler(event, context)

    assert response["statusCode"] == 400
    assert world.nothing_written()


def test_non_utf8_body_is_400(world, context, make_rest_event):
    from riskline_ingestion import api

    event = make_rest_event(raw=base64.b64encode(b'{"a": "\xff"}').decode())
    event["isBase64Encoded"] = True

    assert api.handler(event, context)["statusCode"] == 400


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"]
)
def test_content_type_other_than_json_is_415(world, scorer, call_api, webform, content_type):
    status, body = call_api(body=webform(), headers={"Content-Type": content_type})

    assert status == 415
    assert problems(body) == {"Content-Type": "must be application/json (UTF-8)"}
    assert world.nothing_written()


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON", "application/vnd.riskline+json"]
)
def test_json_content_types_are_accepted(world, scorer, call_api, webform, content_type):
    status, _ = call_api(body=webform(), headers={"content-type": content_type})

    assert status == 201


def test_bad_idempotency_key_header_is_422(world, scorer, call_api, webform):
    status, body = call_api(body=webform(), headers={"Idempotency-Key": "has spaces in it"})

    assert status == 422
    assert list(problems(body)) == ["Idempotency-Key"]
    assert world.nothing_written()


def test_rejections_are_counted_by_channel(world, call_api, webform, capfd):
    call_api(body=webform(loan_amount=1))

    out = capfd.readouterr().out
    assert '"RejectedValidation"' in out and '"channel":"webform"' in out


def test_real_bureau_values_are_accepted_and_stored(world, scorer, call_api, webform):
    # Both occur on real files: a thin income's debt-to-income past 100 %, and delinquencies without a
    # months-since count (about 0.5 % of the public Lending Club sample had one or the other).
    status, body = call_api(body=webform(debt_to_income=469.09, delinquencies_2y=2, months_since_last_delinquency=None))

    assert status == 201
    stored = world.item(body["application_id"])["application"]["M"]
    assert stored["debt_to_income"]["N"] == "469.09"
    assert stored["delinquencies_2y"]["N"] == "2"
