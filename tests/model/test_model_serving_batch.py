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
    assert score_file(model_dir, source, dest, chunk_rows=64) == 250
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


def test_a_bad_line_is_reported_with_its_file_line_number(model_dir, source, tmp_path):
    bad = tmp_path / "bad.jsonl"
    lines = source.read_text().splitlines()
    lines[99] = '{"application_id": "x"}'
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 100: "):
        score_file(model_dir, bad, tmp_path / "out.jsonl", chunk_rows=32)
    assert not (tmp_path / "out.jsonl").exists()


def test_command_line_batch(model_dir, source, tmp_path, capsys):
    assert main(["batch", str(source), str(tmp_path / "o.jsonl"), "--model-dir", str(model_dir)]) == 0
    assert "scored 250 applications" in capsys.readouterr().out
