import json

import pytest

from riskline_model.data.generator import generate
from riskline_model.data.labeled import LabeledDataError, read_labeled, write_rows


@pytest.fixture(scope="module")
def rows():
    return [x.to_row() for x in generate(300, seed=21)]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_every_file_format_reads_back_the_same_facts_and_labels(tmp_path, rows, suffix):
    path = tmp_path / f"train{suffix}"
    write_rows(path, rows)
    data = read_labeled(path)
    assert len(data) == len(rows)
    assert data.target.tolist() == [int(r["label"] == "reject") for r in rows]
    assert data.columns["annual_income"].astype(float).tolist() == [r["annual_income"] for r in rows]
    assert data.columns["loan_purpose"].tolist() == [r["loan_purpose"] for r in rows]
    msld = [r["months_since_last_delinquency"] for r in rows]
    assert [None if v is None else int(v) for v in data.columns["months_since_last_delinquency"]] == msld
    assert data.protected_group is not None and data.true_probability is not None


def test_a_directory_channel_reads_every_file(tmp_path, rows):
    write_rows(tmp_path / "a.jsonl", rows[:100])
    write_rows(tmp_path / "b.csv", rows[100:])
    assert len(read_labeled(tmp_path)) == len(rows)


def test_grade_labels_train_as_reject_for_the_worst_grades(tmp_path, rows):
    grades = ["A", "B", "C", "D", "E", "F", "G"]
    graded = [{**r, "label": grades[i % 7]} for i, r in enumerate(rows)]
    write_rows(tmp_path / "g.jsonl", graded)
    data = read_labeled(tmp_path / "g.jsonl")
    assert data.label_kind == "grade"
    assert data.target.tolist() == [int(grades[i % 7] in "EFG") for i in range(len(rows))]
    tiers = [{**r, "label": ["low", "medium", "high"][i % 3]} for i, r in enumerate(rows)]
    write_rows(tmp_path / "t.jsonl", tiers)
    assert read_labeled(tmp_path / "t.jsonl").target.tolist() == [int(i % 3 == 2) for i in range(len(rows))]


def test_binary_labels_accept_numbers_and_booleans(tmp_path, rows):
    path = tmp_path / "b.jsonl"
    write_rows(path, [{**r, "label": i % 2 == 0} for i, r in enumerate(rows[:10])])
    assert read_labeled(path).target.tolist() == [1, 0] * 5


def test_rows_with_invalid_facts_are_skipped_and_counted(tmp_path, rows):
    bad = dict(rows[0], open_credit_lines=500)
    path = tmp_path / "x.jsonl"
    write_rows(path, [bad, *rows[1:]])
    data = read_labeled(path)
    assert data.skipped_rows == 1 and len(data) == len(rows) - 1


def test_unknown_labels_and_missing_labels_are_errors_naming_the_problem(tmp_path, rows):
    path = tmp_path / "u.jsonl"
    write_rows(path, [{**rows[0], "label": "maybe"}])
    with pytest.raises(LabeledDataError, match="maybe"):
        read_labeled(path)
    path.write_text(json.dumps({k: v for k, v in rows[0].items() if k != "label"}) + "\n")
    with pytest.raises(LabeledDataError, match="row 1 has no label"):
        read_labeled(path)
