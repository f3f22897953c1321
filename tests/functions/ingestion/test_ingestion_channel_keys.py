"""Each channel's API key is bound to its channel: a body cannot claim another channel."""

import pytest


@pytest.mark.parametrize("key_channel", ["chatbot", "mobile", "mail"])
def test_a_webform_body_sent_with_another_channels_key_is_403_naming_both_and_writes_nothing(
    world, scorer, call_api, webform, key_channel
):
    status, body = call_api(body=webform(), key_channel=key_channel)

    assert status == 403
    assert body["error"]["code"] == "channel_mismatch"
    assert f"belongs to the {key_channel} channel" in body["error"]["message"]
    assert "webform" in body["error"]["message"]
    assert body["error"]["problems"] == [{"field": "channel", "problem": f"must be {key_channel} for this API key"}]
    assert world.nothing_written() and scorer.calls == []


def test_a_mobile_body_with_the_mobile_key_is_stored_as_mobile(world, scorer, call_api, mobile):
    status, body = call_api(body=mobile(), key_channel="mobile")

    assert status == 201
    assert world.item(body["application_id"])["channel"]["S"] == "mobile"


def test_a_batch_needs_the_mail_rooms_key(world, scorer, call_api, flat):
    status, body = call_api(path="/applications/batch", body={"applications": [flat()]}, key_channel="webform")

    assert status == 403
    assert "belongs to the webform channel" in body["error"]["message"]
    assert world.nothing_written()


def test_a_key_bound_to_no_channel_cannot_submit(world, scorer, context, make_rest_event, webform):
    import json

    from riskline_ingestion import api

    event = make_rest_event(body=webform())
    event["requestContext"]["identity"] |= {"apiKeyId": "unknownkey1", "apiKey": "someone-elses-key"}

    response = api.handler(event, context)

    assert response["statusCode"] == 403
    assert json.loads(response["body"])["error"]["problems"][0]["problem"] == "this API key is bound to no channel"
    assert world.nothing_written()


def test_the_key_map_must_name_known_channels(world, monkeypatch):
    from riskline_ingestion import settings

    monkeypatch.setenv("CHANNEL_API_KEY_IDS", '{"abc123": "fax"}')
    settings.settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="fax"):
            settings.settings()
    finally:
        settings.settings.cache_clear()
