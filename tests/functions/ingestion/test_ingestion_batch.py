"""POST /applications/batch: staff-keyed mail batches, all-or-nothing, stored and queued (never scored inline)."""


def problems(body):
    return {p["field"]: p["problem"] for p in body["error"]["problems"]}


def test_a_good_batch_is_stored_pending_and_each_application_queued_once(world, scorer, call_api, flat):
    items = [flat(), flat(loan_amount="9,500", national_id="345-67-8901"), flat(application_type="individual")]

    status, body = call_api(path="/applications/batch", body={"applications": items})

    assert status == 202
    assert body["status"] == "PENDING_SCORE" and body["count"] == 3
    ids = body["application_ids"]
    assert len(set(ids)) == 3
    stored = {i["application_id"]["S"]: i for i in world.items()}
    assert set(stored) == set(ids)
    assert {i["status"]["S"] for i in stored.values()} == {"PENDING_SCORE"}
    assert {i["channel"]["S"] for i in stored.values()} == {"mail"}
    assert stored[ids[1]]["application"]["M"]["loan_amount"]["N"] == "9500.0"
    messages = world.messages()
    assert sorted(m["application_id"] for m in messages) == sorted(ids)
    assert {m["reason"] for m in messages} == {"batch"}
    assert scorer.calls == []  # batches are never scored inline


def test_json_numbers_are_accepted_in_batch_items(world, scorer, call_api, flat):
    status, _ = call_api(
        path="/applications/batch", body={"applications": [flat(loan_amount=12000, loan_term_months=60)]}
    )

    assert status == 202


def test_one_bad_item_rejects_the_whole_batch_naming_each_field_by_index(world, call_api, flat):
    items = [flat(), flat(annual_income="plenty"), flat(), flat(state="XX", loan_amount="5")]

    status, body = call_api(path="/applications/batch", body={"applications": items})

    assert status == 422
    assert set(problems(body)) == {
        "applications[1].annual_income",
        "applications[3].state",
        "applications[3].loan_amount",
    }
    assert world.nothing_written()


def test_batch_items_must_be_objects(world, call_api, flat):
    status, body = call_api(path="/applications/batch", body={"applications": [flat(), "row two"]})

    assert status == 422
    assert problems(body) == {"applications[1]": "must be a JSON object"}
    assert world.nothing_written()


def test_unknown_batch_item_fields_are_named(world, call_api, flat):
    status, body = call_api(path="/applications/batch", body={"applications": [flat(favourite_colour="teal")]})

    assert status == 422
    assert problems(body) == {"applications[0].favourite_colour": "unknown field"}


def test_empty_or_oversized_batches_are_422(world, call_api, flat):
    for applications in ([], [flat()] * 101, "not a list", None):
        status, body = call_api(path="/applications/batch", body={"applications": applications})
        assert status == 422
        assert "applications" in problems(body)
    status, body = call_api(path="/applications/batch", body={"apps": [flat()]})
    assert status == 422 and set(problems(body)) == {"apps", "applications"}
    assert world.nothing_written()


def test_a_batch_of_exactly_100_is_accepted(world, scorer, call_api, flat):
    status, body = call_api(path="/applications/batch", body={"applications": [flat()] * 100})

    assert status == 202 and body["count"] == 100
    assert len(world.items()) == 100
    assert len(world.messages()) == 100


def test_a_batch_body_over_1_mib_is_413(world, call_api, flat):
    status, _ = call_api(path="/applications/batch", body={"applications": [flat(street="x" * 12_000)] * 90})

    assert status == 413
    assert world.nothing_written()


def test_a_resent_batch_gets_the_same_ids_and_stores_nothing_twice(world, scorer, call_api, flat):
    batch = {"applications": [flat(), flat(national_id="345-67-8901")]}

    first = call_api(path="/applications/batch", body=batch)
    second = call_api(path="/applications/batch", body=batch)

    assert first == second
    assert len(world.items()) == 2
    assert len(world.messages()) == 2


def test_batch_store_failure_is_503_and_stores_nothing(world, call_api, flat, monkeypatch):
    # A transaction that cannot commit (here: the table is gone) leaves no partial batch behind.
    world.dynamodb.delete_table(TableName="riskline-test-applications")

    status, body = call_api(path="/applications/batch", body={"applications": [flat(), flat()]})

    assert status == 503
    assert body["error"]["code"] == "store_unavailable"
    assert world.idempotency_records() == [] and world.messages() == []
