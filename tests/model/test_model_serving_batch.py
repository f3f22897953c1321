"""The batch-transform path: a JSON Lines file of ModelInput in, JSON Lines of predictions out."""

import json

import pytest

from riskline_model.data.generator import generate
from riskline_model.serving.__main__ import main
from riskline_model.serving.batch import score_file
from riskline_model.serving.preprocess import Preprocessor
from riskline_model.serving.xgboost import Scorer


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "in.jsonl"
    items = generate(250, seed=101)
    path.write_text("".join(x.application.to_model_input().model_dump_json() + "\n" for x in items))
    return path


def test_every_line_is_scored_in_order_across_chunks(model_dir, source, tmp_path):
    dest = tmp_path / "out.jsonl"
    result = score_file(model_dir, source, dest, chunk_rows=64)
    assert (result.scored, result.refused) == (250, 0)
    assert result.errors_path.read_text() == ""
    out = [json.loads(line) for line in dest.read_text().splitlines()]
    ids = [json.loads(line)["application_id"] for line in source.read_text().splitlines()]
    assert [o["application_id"] for o in out] == ids
    # Chunking changes nothing: the same rows scored in one request give the same answers.
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir)
    body = source.read_bytes()
    whole, _ = scorer.invoke(pre.invoke(body, "application/jsonlines", None)[0], "text/csv", "application/jsonlines")
    assert [{k: v for k, v in o.items() if k != "application_id"} for o in out] == [
        json.loads(line) for line in whole.decode().splitlines()
    ]


@pytest.fixture
def with_bad_rows(source, tmp_path):
    """The 250 good lines with line 11 not JSON and line 100 missing every fact but its id."""
    bad = tmp_path / "bad.jsonl"
    lines = source.read_text().splitlines()
    lines[10] = "{not json"
    lines[99] = '{"application_id": "app-bad-0100", "channel": "mail"}'
    bad.write_text("\n".join(lines) + "\n")
    return bad, lines


def test_bad_lines_are_listed_with_their_line_numbers_and_the_good_ones_scored(model_dir, with_bad_rows, tmp_path):
    bad, lines = with_bad_rows
    result = score_file(model_dir, bad, tmp_path / "out.jsonl", chunk_rows=32)
    assert (result.scored, result.refused) == (248, 2)
    errors = [json.loads(line) for line in result.errors_path.read_text().splitlines()]
    assert [e["line"] for e in errors] == [11, 100]
    assert "annual_income" in errors[1]["error"]
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    good_ids = [json.loads(line)["application_id"] for i, line in enumerate(lines) if i not in (10, 99)]
    assert [o["application_id"] for o in out] == good_ids


def test_command_line_batch(model_dir, source, tmp_path, capsys):
    assert main(["batch", str(source), str(tmp_path / "o.jsonl"), "--model-dir", str(model_dir)]) == 0
    assert "scored 250 applications" in capsys.readouterr().out


def test_command_line_batch_with_bad_rows_scores_the_rest_and_says_how_many_were_refused(
    model_dir, with_bad_rows, tmp_path, capsys
):
    bad, _ = with_bad_rows
    errors = tmp_path / "refused.jsonl"
    code = main(["batch", str(bad), str(tmp_path / "o.jsonl"), "--model-dir", str(model_dir), "--errors", str(errors)])
    assert code == 2
    out = capsys.readouterr().out
    assert "scored 248 applications" in out and "refused 2" in out and str(errors) in out
    assert len(errors.read_text().splitlines()) == 2
