"""Mail-room CSV uploads: good rows stored and queued, bad rows reported by line, redeliveries harmless."""

import copy
import csv
import io
import json

import pytest

from riskline_ingestion import mailroom

BUCKET = "riskline-test-lake"
PII_VALUES = ("Grace", "Hopper", "grace.hopper@example.org", "555-010-9876", "318-44-2077", "12/09/1976", "Navy Yard")


def csv_text(rows, header=None):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def upload(world, event_json):
    template = event_json("s3_object_created.json")

    def put(text, key="mailroom/incoming/batch 2026-11-29.csv", data=None):
        """Upload the file and return the S3 notification for it, as S3 would send it."""
        body = data if data is not None else text.encode()
        response = world.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        event = copy.deepcopy(template)
        obj = event["Records"][0]["s3"]["object"]
        obj.update(
            key=key.replace(" ", "+"),
            size=len(body),
            eTag=response["ETag"].strip('"'),
            versionId=response["VersionId"],
        )
        return event

    return put


def report(world, name="batch 2026-11-29.csv"):
    body = world.s3.get_object(Bucket=BUCKET, Key=f"mailroom/reports/{name}.json")["Body"].read().decode()
    return json.loads(body), body


def test_good_rows_are_stored_and_queued_and_bad_rows_reported_by_line(world, scorer, context, upload, flat):
    rows = [flat(), flat(annual_income="plenty"), flat(national_id="345-67-8901"), flat(state="XX", loan_amount="5")]

    result = mailroom.handler(upload(csv_text(rows)), context)

    assert result["files"][0] | {"report_key": None} == {
        "key": "mailroom/incoming/batch 2026-11-29.csv",
        "status": "processed",
        "accepted": 2,
        "rejected": 2,
        "report_key": None,
    }
    items = world.items()
    assert len(items) == 2
    assert {i["status"]["S"] for i in items} == {"PENDING_SCORE"} and {i["channel"]["S"] for i in items} == {"mail"}
    messages = world.messages()
    assert sorted(m["application_id"] for m in messages) == sorted(i["application_id"]["S"] for i in items)
    assert {m["reason"] for m in messages} == {"batch"}
    assert scorer.calls == []
    doc, text = report(world)
    assert doc["status"] == "processed" and (doc["accepted"], doc["rejected"]) == (2, 2)
    assert sorted(doc["accepted_ids"]) == sorted(i["application_id"]["S"] for i in items)
    assert [(r["line"], sorted(p["field"] for p in r["problems"])) for r in doc["rejected_lines"]] == [
        (3, ["annual_income"]),
        (5, ["loan_amount", "state"]),
    ]
    for value in (*PII_VALUES, "XX"):
        assert value not in text


def test_a_bad_header_rejects_the_file_with_reasons_and_stores_nothing(world, context, upload, flat):
    rows = [{k: v for k, v in flat().items() if k != "loan_amount"} | {"shoe_size": "9"}]

    result = mailroom.handler(upload(csv_text(rows)), context)

    assert result["files"][0]["status"] == "rejected"
    doc, _ = report(world)
    problems = {p["field"]: p["problem"] for p in doc["file_problems"]}
    assert problems["loan_amount"] == "required column is missing"
    assert "unknown column" in problems[f"(column {len(rows[0])})"]
    assert world.items() == [] and world.messages() == []


def test_a_file_without_its_header_row_never_puts_applicant_values_in_the_report(world, context, upload, flat):
    text = csv_text([flat(), flat()]).split("\n", 1)[1]  # staff forgot the header row

    mailroom.handler(upload(text), context)

    doc, body = report(world)
    assert doc["status"] == "rejected"
    assert any(p["field"].startswith("(column ") for p in doc["file_problems"])
    for value in PII_VALUES:
        assert value not in body
    assert world.items() == []


def test_a_redelivered_notification_stores_nothing_twice(world, scorer, context, upload, flat):
    event = upload(csv_text([flat(), flat(national_id="345-67-8901")]))

    first = mailroom.handler(event, context)
    second = mailroom.handler(event, context)

    assert first == second
    assert len(world.items()) == 2
    assert len(world.messages()) == 2


def test_a_rerun_after_an_interrupted_run_reuses_the_same_ids(world, scorer, context, upload, flat):
    event = upload(csv_text([flat(), flat(national_id="345-67-8901")]))
    mailroom.handler(event, context)
    ids = sorted(i["application_id"]["S"] for i in world.items())
    world.messages()  # the etl took the first messages
    # As if the first run had died before its idempotency record was completed:
    for record in world.idempotency_records():
        world.dynamodb.delete_item(TableName="riskline-test-idempotency", Key={"id": record["id"]})

    mailroom.handler(event, context)

    assert sorted(i["application_id"]["S"] for i in world.items()) == ids
    # still PENDING_SCORE, so queued again: the etl's conditional update makes the repeat harmless
    assert sorted(m["application_id"] for m in world.messages()) == ids


def test_a_new_version_of_the_same_file_is_a_new_upload(world, scorer, context, upload, flat):
    mailroom.handler(upload(csv_text([flat()])), context)
    mailroom.handler(upload(csv_text([flat(national_id="345-67-8901")])), context)

    assert len(world.items()) == 2


def test_reports_landing_in_the_bucket_are_not_processed(world, context, upload):
    event = upload("{}", key="mailroom/reports/earlier.csv.json")

    assert mailroom.handler(event, context) == {"files": []}
    assert world.items() == []


def test_a_file_that_is_not_utf8_is_rejected(world, context, upload):
    mailroom.handler(upload("", data=b"first_name\n\xff\xfe\xfa\n"), context)

    doc, _ = report(world)
    assert doc["status"] == "rejected"
    assert doc["file_problems"] == [{"field": "(file)", "problem": "not UTF-8 text"}]


def test_an_empty_file_is_rejected_for_its_missing_header(world, context, upload):
    mailroom.handler(upload(""), context)

    doc, _ = report(world)
    assert doc["file_problems"] == [{"field": "(header)", "problem": "the file has no header row"}]


def test_an_oversized_file_is_rejected_without_reading_it(world, context, upload):
    event = upload("first_name\nAda\n")
    event["Records"][0]["s3"]["object"]["size"] = 50 * 1024 * 1024

    mailroom.handler(event, context)

    doc, _ = report(world)
    assert doc["file_problems"][0]["field"] == "(file)"
    assert world.items() == []


def test_blank_spreadsheet_lines_are_skipped_not_rejected(world, scorer, context, upload, flat):
    text = csv_text([flat()]) + ",,,,,,,,,,,,,,,,,,,,,,,,,,,\n"

    result = mailroom.handler(upload(text), context)

    assert (result["files"][0]["accepted"], result["files"][0]["rejected"]) == (1, 0)


def test_only_object_created_notifications_are_processed(world, context, upload, flat):
    event = upload(csv_text([flat()]))
    event["Records"][0]["eventName"] = "ObjectRemoved:Delete"

    assert mailroom.handler(event, context) == {"files": []}
    assert world.items() == []
