"""The stream handler end to end: moto S3/Secrets Manager, the DuckDB warehouse, real event shapes."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from riskline_routing.errors import WarehouseUnavailable
from riskline_routing.replay import main as replay_main
from riskline_runtime.batch import BatchFailed
from riskline_schema import applicant_key


def test_batch_lands_in_the_lake_by_partition_without_pii_then_in_the_warehouse(stream, context, helpers, caplog):
    h = helpers
    web = h.scored(h.pending("app-web-0001"))
    mail = h.pending("app-mail-0001", channel="mail", submitted_at=h.NOW - timedelta(days=1))
    batch = h.event(h.stream_record(1, "INSERT", web), h.stream_record(2, "INSERT", mail))

    assert stream.handler(batch, context) == {"batchItemFailures": []}

    objects = h.lake_objects()
    assert sorted(key.rsplit("/", 1)[0] for key in objects) == [
        "applications/dt=2026-11-28/channel=mail",
        "applications/dt=2026-11-29/channel=webform",
    ]
    assert all(key.endswith(".jsonl") for key in objects)
    assert len({key.rsplit("/", 1)[1] for key in objects}) == 1  # one batch id for the batch's objects
    lines = [json.loads(line) for body in objects.values() for line in body.splitlines()]
    assert {row["application_id"] for row in lines} == {"app-web-0001", "app-mail-0001"}
    text = "".join(objects.values())
    for secret in h.PII:
        assert secret not in text
    expected_key = applicant_key(web.application.applicant, h.APPLICANT_SECRET.encode())
    assert {row["applicant_key"] for row in lines} == {expected_key}

    rows = h.warehouse_rows(stream)
    assert set(rows) == {"app-web-0001", "app-mail-0001"}
    assert rows["app-web-0001"]["tier"] == "high" and rows["app-web-0001"]["status"] == "SCORED"
    assert rows["app-web-0001"]["reason_codes"] == ["HIGH_DTI", "RECENT_INQUIRIES"]
    assert rows["app-mail-0001"]["status"] == "PENDING_SCORE" and rows["app-mail-0001"]["tier"] is None
    assert not any(secret in repr(rows) for secret in h.PII)
    assert "batch persisted" in logged(caplog)
    assert not any(secret in logged(caplog) for secret in h.PII)


def test_redelivered_batch_rewrites_its_own_lake_object_and_one_warehouse_row_per_application(stream, context, helpers):
    h = helpers
    first = h.pending("app-dup-0001")
    batch = h.event(
        h.stream_record(1, "INSERT", first),
        h.stream_record(2, "MODIFY", h.scored(first), first),
        h.stream_record(3, "INSERT", h.pending("app-dup-0002")),
    )

    stream.handler(batch, context)
    once = h.lake_objects()
    stream.handler(batch, context)

    assert h.lake_objects() == once and len(once) == 1
    (body,) = once.values()
    rows_in_object = [json.loads(line) for line in body.splitlines()]
    # Within a batch only the latest version of an application is kept.
    assert sorted((r["application_id"], r["status"]) for r in rows_in_object) == [
        ("app-dup-0001", "SCORED"),
        ("app-dup-0002", "PENDING_SCORE"),
    ]
    rows = h.warehouse_rows(stream)
    assert sorted(rows) == ["app-dup-0001", "app-dup-0002"] and rows["app-dup-0001"]["status"] == "SCORED"


def logged(caplog) -> str:
    """Everything the handler logged, extra keys included."""
    return "\n".join(str(record.__dict__) for record in caplog.records)


def test_poison_record_is_reported_by_sequence_number_and_the_others_are_written(stream, context, helpers, caplog):
    h = helpers
    good = h.pending("app-good-0001")
    broken = h.typed_image(h.pending("app-bad-00001").to_item())
    broken["application"]["M"]["annual_income"] = {"S": "a lot"}
    poison = h.stream_record(2, "INSERT", new_image=broken)
    batch = h.event(
        h.stream_record(1, "INSERT", good), poison, h.stream_record(3, "INSERT", h.pending("app-good-0002"))
    )

    response = stream.handler(batch, context)

    assert response == {"batchItemFailures": [{"itemIdentifier": h.sequence_of(poison)}]}
    assert sorted(h.warehouse_rows(stream)) == ["app-good-0001", "app-good-0002"]
    (body,) = h.lake_objects().values()
    assert sorted(json.loads(line)["application_id"] for line in body.splitlines()) == [
        "app-good-0001",
        "app-good-0002",
    ]
    logs = logged(caplog)
    assert "application.annual_income" in logs and "app-bad-00001" in logs  # the log names the field and item...
    assert not any(secret in logs for secret in h.PII)  # ...and never the applicant


def test_an_image_that_is_not_dynamodb_json_is_reported_and_the_others_are_written(stream, context, helpers, caplog):
    h = helpers
    garbled = h.typed_image(h.pending("app-bad-00002").to_item())
    garbled["channel"] = {"Q": "webform"}  # no such DynamoDB type
    poison = h.stream_record(2, "INSERT", new_image=garbled)
    batch = h.event(h.stream_record(1, "INSERT", h.pending("app-good-0003")), poison)

    response = stream.handler(batch, context)

    assert response == {"batchItemFailures": [{"itemIdentifier": h.sequence_of(poison)}]}
    assert sorted(h.warehouse_rows(stream)) == ["app-good-0003"]
    logs = logged(caplog)
    assert "NewImage is not DynamoDB JSON" in logs and "app-bad-00002" in logs
    assert not any(secret in logs for secret in h.PII)


def test_aws_sample_stream_event_of_another_table_is_reported_record_by_record_and_writes_nothing(
    stream, context, helpers
):
    """AWS's sample DynamoDB Streams shape (INSERT, MODIFY, REMOVE of an item that is not ours)."""
    event = json.loads((Path(__file__).parent / "events" / "dynamodb_stream_sample.json").read_text())

    response = stream.handler(event, context)

    assert response == {"batchItemFailures": [{"itemIdentifier": "111"}, {"itemIdentifier": "222"}]}
    assert helpers.lake_objects() == {}


def test_a_batch_of_only_poison_records_fails_as_a_whole(stream, context, helpers):
    h = helpers
    poison = h.stream_record(1, "INSERT", new_image={"application_id": {"S": "app-bad-00001"}})

    with pytest.raises(BatchFailed):
        stream.handler(h.event(poison), context)
    assert h.lake_objects() == {}


def test_remove_events_are_skipped_and_change_nothing(stream, context, helpers):
    h = helpers
    record = h.pending("app-gone-0001")
    removal = h.stream_record(1, "REMOVE", old=record)

    assert stream.handler(h.event(removal), context) == {"batchItemFailures": []}
    assert h.lake_objects() == {}


def test_warehouse_outage_keeps_the_lake_fails_the_batch_and_replay_restores_the_warehouse(
    stream, context, helpers, monkeypatch, routing_env, capsys
):
    h = helpers
    records = [h.stream_record(n, "INSERT", h.pending(f"app-out-{n:04d}")) for n in range(1, 4)]
    batch = h.event(*records)
    real = stream.router.warehouse

    class Down:
        def upsert(self, load):
            raise WarehouseUnavailable("warehouse unreachable")

    monkeypatch.setattr(stream.router, "warehouse", Down())
    response = stream.handler(batch, context)

    assert response == {"batchItemFailures": [{"itemIdentifier": h.sequence_of(r)} for r in records]}
    assert len(h.lake_objects()) == 1
    monkeypatch.setattr(stream.router, "warehouse", real)
    assert h.warehouse_rows(stream) == {}

    day = h.NOW.date().isoformat()
    assert replay_main(["--since", day, "--until", day]) == 0
    assert "replayed 3 applications from 1 lake objects" in capsys.readouterr().out
    assert sorted(h.warehouse_rows(stream)) == ["app-out-0001", "app-out-0002", "app-out-0003"]

    # Lambda's retry of the same batch rewrites the same object and leaves the rows as they are.
    assert stream.handler(batch, context) == {"batchItemFailures": []}
    assert len(h.lake_objects()) == 1 and len(h.warehouse_rows(stream)) == 3


def test_audit_decision_flows_to_the_lake_and_the_warehouse(stream, context, helpers):
    h = helpers
    before = h.scored(h.pending("app-audit-001"), tier="medium")
    stream.handler(h.event(h.stream_record(1, "INSERT", before)), context)
    after = h.audited(before, outcome="accept")

    stream.handler(h.event(h.stream_record(2, "MODIFY", after, before)), context)

    row = h.warehouse_rows(stream)["app-audit-001"]
    assert row["audit_outcome"] == "accept" and row["audited_at"] == after.audit.decided_at
    assert row["tier"] == "medium" and row["updated_at"] == after.updated_at
    lake = stream_lake(h)
    assert lake["app-audit-001"].audit_outcome == "accept"


def test_an_older_version_delivered_late_never_overwrites_the_newer_one(stream, context, helpers):
    h = helpers
    old = h.pending("app-late-0001")
    new = h.audited(h.scored(old))
    stream.handler(h.event(h.stream_record(2, "MODIFY", new, old)), context)

    stream.handler(h.event(h.stream_record(1, "INSERT", old)), context)

    assert h.warehouse_rows(stream)["app-late-0001"]["audit_outcome"] == "reject"
    assert stream_lake(h)["app-late-0001"].updated_at == new.updated_at


def stream_lake(h):
    from riskline_routing.lake import read_lake

    day = h.NOW.date()
    return read_lake(h.BUCKET, h.PREFIX, day - timedelta(days=1), day + timedelta(days=1))


def test_replay_rejects_a_range_that_ends_before_it_starts(routing_env):
    with pytest.raises(SystemExit):
        replay_main(["--since", "2026-11-29", "--until", date(2026, 11, 1).isoformat()])
