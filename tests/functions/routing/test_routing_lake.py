"""Lake keys, the batch id, and the readers' dedupe rule (latest updated_at per application)."""

from datetime import date, timedelta

import boto3
import pytest

from riskline_routing.errors import LakeWriteError
from riskline_routing.lake import LakeWriter, batch_id, list_lake_objects, read_lake
from riskline_schema import LakeRecord

SECRET = b"lake-test-key"


def lake(record) -> LakeRecord:
    return LakeRecord.from_record(record, SECRET)


def test_batch_id_depends_on_the_row_versions_not_their_order(helpers):
    a, b = lake(helpers.pending("app-lake-0001")), lake(helpers.pending("app-lake-0002"))
    newer_a = lake(helpers.scored(helpers.pending("app-lake-0001")))

    assert batch_id([a, b]) == batch_id([b, a])
    assert batch_id([a, b]) != batch_id([newer_a, b]) != batch_id([a])
    assert len(batch_id([a])) == 32


def test_writer_puts_one_json_lines_object_per_partition(aws, helpers):
    s3 = boto3.client("s3")
    rows = [
        lake(helpers.pending("app-lake-0003", channel="mobile")),
        lake(helpers.pending("app-lake-0004", channel="mobile")),
        lake(helpers.pending("app-lake-0005", channel="mobile", submitted_at=helpers.NOW + timedelta(days=1))),
    ]

    written = LakeWriter(s3, helpers.BUCKET, "applications/").write_batch(rows)

    assert [(obj.key.rsplit("/", 1)[0], obj.rows) for obj in written] == [
        ("applications/dt=2026-11-29/channel=mobile", 2),
        ("applications/dt=2026-11-30/channel=mobile", 1),
    ]
    head = s3.head_object(Bucket=helpers.BUCKET, Key=written[0].key)
    assert head["ContentType"] == "application/x-ndjson"
    body = s3.get_object(Bucket=helpers.BUCKET, Key=written[0].key)["Body"].read().decode()
    assert [LakeRecord.model_validate_json(line) for line in body.splitlines()] == rows[:2]


def test_writer_failure_is_a_lake_write_error(aws, helpers):
    writer = LakeWriter(boto3.client("s3"), "riskline-test-no-such-bucket", "applications")
    with pytest.raises(LakeWriteError, match="NoSuchBucket"):
        writer.write_batch([lake(helpers.pending("app-lake-0006"))])


def test_readers_keep_the_latest_version_when_a_retried_subset_lands_under_another_key(aws, helpers):
    s3 = boto3.client("s3")
    writer = LakeWriter(s3, helpers.BUCKET, helpers.PREFIX)
    first, second = helpers.pending("app-lake-0007"), helpers.pending("app-lake-0008")
    scored_first = helpers.scored(first)
    writer.write_batch([lake(first), lake(second)])
    writer.write_batch([lake(scored_first), lake(second)])  # e.g. a bisected or partial retry
    writer.write_batch([lake(first)])  # an old version delivered again, later

    latest = read_lake(helpers.BUCKET, helpers.PREFIX, helpers.NOW.date(), helpers.NOW.date(), s3=s3)

    assert len(list_lake_objects(helpers.BUCKET, helpers.PREFIX, helpers.NOW.date(), helpers.NOW.date(), s3=s3)) == 3
    assert sorted(latest) == ["app-lake-0007", "app-lake-0008"]
    assert latest["app-lake-0007"].updated_at == scored_first.updated_at


def test_reader_takes_whole_days_from_since_to_until_inclusive(aws, helpers):
    s3 = boto3.client("s3")
    writer = LakeWriter(s3, helpers.BUCKET, helpers.PREFIX)
    for offset in range(-2, 3):
        day = helpers.NOW + timedelta(days=offset)
        writer.write_batch([lake(helpers.pending(f"app-day-{offset + 2:04d}", submitted_at=day))])

    got = read_lake(helpers.BUCKET, helpers.PREFIX, date(2026, 11, 28), date(2026, 11, 30), s3=s3)

    assert sorted(got) == ["app-day-0001", "app-day-0002", "app-day-0003"]
    assert read_lake(helpers.BUCKET, helpers.PREFIX, "2026-11-28", "2026-11-30", s3=s3) == got
    with pytest.raises(ValueError, match="before"):
        read_lake(helpers.BUCKET, helpers.PREFIX, date(2026, 11, 30), date(2026, 11, 28), s3=s3)
