"""The training set from the lake: latest version, audited only, label, time split, refusals, S3."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from riskline_model.loop import lake
from riskline_model.loop.__main__ import EXIT_REFUSED, main
from riskline_model.loop.synthetic import LakeSpec, lake_frame
from riskline_model.loop.trainset import TrainsetConfig, TrainsetRefused, build_trainset
from riskline_schema import FINANCIAL_FIELDS, LakeRecord


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def lake_rows(rows: int, seed: int, **spec: Any) -> list[dict[str, Any]]:
    frame = lake_frame(LakeSpec(rows=rows, seed=seed, stale_share=0, audited_share=1.0, **spec))
    return json.loads(frame.to_json(orient="records"))


def test_every_lake_row_is_a_valid_lake_record(make_lake: Callable[..., Path]) -> None:
    root = make_lake(rows=300, seed=1)
    for path in lake.local_files(root):
        for row in read_jsonl(path):
            LakeRecord.model_validate(row)


def test_set_states_what_it_read_and_splits_by_time(make_lake: Callable[..., Path], tmp_path: Path) -> None:
    root = make_lake(rows=3000, seed=2, audited_share=0.8, stale_share=0.1)
    summary = build_trainset(lake.local_files(root), tmp_path / "set")

    assert summary.applications == 3000
    assert summary.rows_read > 3000  # the stale versions were read, then dropped
    assert summary.train.rows + summary.holdout.rows == summary.audited
    assert 0.75 < summary.audited / 3000 < 0.85
    assert summary.label_kind == "binary" and set(summary.train.labels) == {"accept", "reject"}
    train = read_jsonl(tmp_path / "set/train/train.jsonl")
    holdout = read_jsonl(tmp_path / "set/holdout/holdout.jsonl")
    assert len(train) == summary.train.rows and len(holdout) == summary.holdout.rows
    assert (
        max(r["submitted_at"] for r in train)
        < min(r["submitted_at"] for r in holdout)
        == summary.cut.replace("Z", ".000000Z")
    )
    assert abs(len(holdout) / summary.audited - 0.2) < 0.01
    manifest = json.loads((tmp_path / "set/manifest.json").read_text())
    assert manifest["rows_read"] == summary.rows_read and manifest["holdout"]["labels"] == summary.holdout.labels


def test_latest_version_wins_and_unaudited_rows_are_left_out(tmp_path: Path) -> None:
    rows = lake_rows(1200, seed=3)
    first = rows[0]
    older = {**first, "audit_outcome": "accept", "updated_at": "2026-11-01T00:00:00.000000Z"}
    newer = {**first, "audit_outcome": "reject", "updated_at": "2026-12-01T00:00:00.000000Z"}
    unaudited = {**rows[1], "audit_outcome": None, "audited_at": None}
    root = tmp_path / "lake"
    write_rows(root / "dt=2026-11-01/channel=webform/a.jsonl", [newer, unaudited, *rows[2:]])
    write_rows(root / "dt=2026-11-01/channel=webform/b.jsonl", [older])

    summary = build_trainset(lake.local_files(root), tmp_path / "set", TrainsetConfig(min_train_rows=100))

    assert summary.rows_read == 1201 and summary.applications == 1200 and summary.audited == 1199
    out = read_jsonl(tmp_path / "set/train/train.jsonl") + read_jsonl(tmp_path / "set/holdout/holdout.jsonl")
    by_id = {r["application_id"]: r for r in out}
    assert by_id[first["application_id"]]["label"] == "reject"
    assert rows[1]["application_id"] not in by_id


def test_features_are_exactly_the_facts_as_scored(tmp_path: Path) -> None:
    rows = lake_rows(800, seed=4)
    write_rows(tmp_path / "lake/dt=2026-11-02/channel=mail/a.jsonl", rows)
    build_trainset(lake.local_files(tmp_path / "lake"), tmp_path / "set", TrainsetConfig(min_train_rows=100))
    out = read_jsonl(tmp_path / "set/train/train.jsonl") + read_jsonl(tmp_path / "set/holdout/holdout.jsonl")
    source = {r["application_id"]: r for r in rows}
    for row in out:
        expected = source[row["application_id"]]
        assert {f: row[f] for f in FINANCIAL_FIELDS} == {f: expected[f] for f in FINANCIAL_FIELDS}
        assert row["probability"] == expected["probability"] and row["tier"] == expected["tier"]


def test_graded_label_is_used_when_every_audit_carries_one(tmp_path: Path) -> None:
    graded = lake_rows(900, seed=5, graded=True)
    write_rows(tmp_path / "lake/dt=2026-11-03/channel=mobile/a.jsonl", graded)
    summary = build_trainset(lake.local_files(tmp_path / "lake"), tmp_path / "set", TrainsetConfig(min_train_rows=100))
    assert summary.label_kind == "grade" and set(summary.train.labels) == {"low", "medium", "high"}


def test_rows_without_the_grade_column_fall_back_to_the_binary_audit(tmp_path: Path) -> None:
    graded = lake_rows(600, seed=6, graded=True)
    older = [{k: v for k, v in r.items() if k != "audit_grade"} for r in lake_rows(600, seed=7)]
    write_rows(tmp_path / "lake/dt=2026-11-03/channel=mobile/a.jsonl", graded)
    write_rows(tmp_path / "lake/dt=2026-11-04/channel=mobile/b.jsonl", older)
    summary = build_trainset(lake.local_files(tmp_path / "lake"), tmp_path / "set", TrainsetConfig(min_train_rows=100))
    assert summary.label_kind == "binary" and set(summary.train.labels) == {"accept", "reject"}
    assert summary.audited == 1200 and summary.unlabelled == 0


def test_holdout_window_by_days_and_by_date_filter(make_lake: Callable[..., Path], tmp_path: Path) -> None:
    root = make_lake(rows=4000, seed=8)
    summary = build_trainset(lake.local_files(root), tmp_path / "a", TrainsetConfig(holdout_days=7))
    assert summary.cut.startswith("2026-11-21")
    days = lake.DateRange(datetime(2026, 11, 8, tzinfo=UTC).date(), datetime(2026, 11, 21, tzinfo=UTC).date())
    files = lake.local_files(root, days)
    narrowed = build_trainset(files, tmp_path / "b", TrainsetConfig(min_train_rows=100))
    assert narrowed.partitions == ("2026-11-08", "2026-11-21")
    assert narrowed.first_submitted >= "2026-11-08" and narrowed.last_submitted < "2026-11-22"


def test_a_set_too_small_is_refused_and_nothing_is_written(make_lake: Callable[..., Path], tmp_path: Path) -> None:
    root = make_lake(rows=300, seed=9)
    with pytest.raises(TrainsetRefused, match=r"train has \d+ labelled rows; at least 500 are needed"):
        build_trainset(lake.local_files(root), tmp_path / "set")
    assert not (tmp_path / "set/train").exists()


def test_a_one_sided_set_is_refused_with_the_label_mix(tmp_path: Path) -> None:
    rows = [{**r, "audit_outcome": "accept"} for r in lake_rows(1000, seed=10)]
    rows[:10] = [{**r, "audit_outcome": "reject"} for r in rows[:10]]
    write_rows(tmp_path / "lake/dt=2026-11-05/channel=phone/a.jsonl", rows)
    with pytest.raises(TrainsetRefused, match=r"too one-sided: the rarer label is \d\.\d%"):
        build_trainset(lake.local_files(tmp_path / "lake"), tmp_path / "set", TrainsetConfig(min_train_rows=100))


def test_cli_refusal_exits_non_zero_with_the_reason(
    make_lake: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_lake(rows=200, seed=11)
    code = main(["trainset", "--lake", str(root), "--out", str(tmp_path / "set")])
    err = capsys.readouterr().err
    assert code == EXIT_REFUSED
    assert err.startswith("refused: train has") and "read " in err and "lake rows" in err


def test_cli_reads_an_s3_lake(
    make_lake: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_lake(rows=2500, seed=12)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="lake")
        for path in lake.local_files(root):
            s3.upload_file(str(path), "lake", f"applications/{path.relative_to(root).as_posix()}")
        code = main(["trainset", "--lake", "s3://lake/applications", "--out", str(tmp_path / "set")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "read 2" in out and "2500 applications" in out
    assert (tmp_path / "set/train/train.jsonl").is_file()
