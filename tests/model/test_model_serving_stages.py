"""The two stage handlers in-process: the same objects the servers wrap."""

import json

import numpy as np
import pytest

from riskline_model.data.generator import generate
from riskline_model.explain import TreeTable
from riskline_model.serving.preprocess import Preprocessor
from riskline_model.serving.protocol import BadRequest, accepted, media_type
from riskline_model.serving.xgboost import Scorer, parse_csv


@pytest.fixture(scope="module")
def pre(model_dir):
    return Preprocessor.load(model_dir)


@pytest.fixture(scope="module")
def scorer(model_dir):
    return Scorer.load(model_dir)


@pytest.fixture(scope="module")
def inputs():
    return [x.application.to_model_input() for x in generate(200, seed=91)]


def test_csv_between_the_stages_carries_the_features_exactly(pre, inputs):
    body = b"".join(m.model_dump_json().encode() + b"\n" for m in inputs)
    csv, ctype = pre.invoke(body, "application/jsonlines", None)
    assert ctype == "text/csv"
    assert np.array_equal(parse_csv(csv, pre.spec.n_features), pre.features(inputs))


def test_tier_and_hint_follow_the_saved_thresholds(scorer, pre, inputs):
    predictions = scorer.predict(pre.features(inputs))
    t = scorer.thresholds
    for p in predictions:
        expected = (
            "low" if p["probability"] < t.low_below else "high" if p["probability"] >= t.high_at_or_above else "medium"
        )
        assert (
            p["tier"] == expected
            or abs(p["probability"] - t.low_below) < 1e-6
            or abs(p["probability"] - t.high_at_or_above) < 1e-6
        )
        assert p["decision_hint"] == {"low": "accept", "medium": "review", "high": "reject"}[p["tier"]]
    assert {p["tier"] for p in predictions} == {"low", "medium", "high"}


def test_reason_codes_are_the_features_pushing_hardest_toward_reject(scorer, pre, inputs):
    x = pre.features(inputs[:20])
    contrib = TreeTable(scorer.booster).contributions(x)  # the reference explain path
    for row, p in zip(contrib, scorer.predict(x), strict=True):
        strongest = scorer.codes[int(np.argmax(row))]
        if row.max() > 0:
            assert p["reason_codes"][0] == strongest
        assert len(p["reason_codes"]) == len(set(p["reason_codes"])) <= 3


def test_riskier_facts_raise_the_probability(scorer, pre, inputs):
    base = inputs[0].model_copy(
        update={
            "debt_to_income": 10.0,
            "revolving_utilization": 20.0,
            "delinquencies_2y": 0,
            "months_since_last_delinquency": None,
        }
    )
    risky = base.model_copy(
        update={
            "debt_to_income": 45.0,
            "revolving_utilization": 110.0,
            "delinquencies_2y": 4,
            "months_since_last_delinquency": 2,
        }
    )
    low, high = scorer.predict(pre.features([base, risky]))
    assert high["probability"] > low["probability"]


def test_json_and_json_lines_answers_carry_the_same_predictions(scorer, pre, inputs):
    csv, _ = pre.invoke(json.dumps([m.model_dump(mode="json") for m in inputs[:4]]).encode(), "application/json", None)
    as_json, t1 = scorer.invoke(csv, "text/csv", "application/json")
    as_lines, t2 = scorer.invoke(csv, "text/csv; charset=utf-8", "application/x-jsonlines")
    assert (t1, t2) == ("application/json", "application/jsonlines")
    assert json.loads(as_json)["predictions"] == [json.loads(line) for line in as_lines.decode().splitlines()]


def test_missing_csv_values_are_scored_as_missing(scorer):
    x = parse_csv(b"," * (scorer.spec.n_features - 1) + b"\n", scorer.spec.n_features)
    assert np.isnan(x).all()
    assert 0 <= scorer.predict(x)[0]["probability"] <= 1


def test_infinite_features_are_refused(scorer):
    with pytest.raises(BadRequest, match="finite"):
        parse_csv(b",".join([b"inf"] * scorer.spec.n_features), scorer.spec.n_features)


def test_media_types_and_accept_negotiation():
    assert media_type("Application/JSON; charset=utf-8", "x") == "application/json"
    assert media_type("application/x-ndjson", "x") == "application/jsonlines"
    assert media_type(None, "text/csv") == "text/csv"
    assert accepted("application/xml, text/csv;q=0.5", "text/csv", ("text/csv",)) == "text/csv"
    assert accepted("*/*", "text/csv", ("text/csv",)) == "text/csv"
    with pytest.raises(BadRequest) as err:
        accepted("application/xml", "text/csv", ("text/csv",))
    assert err.value.status == 406


def test_preprocess_refuses_a_default_accept_it_cannot_produce(model_dir):
    with pytest.raises(ValueError, match="text/csv"):
        Preprocessor.load(model_dir, "application/json")


def test_several_records_in_one_request_get_what_each_gets_alone_in_order(pre, scorer, inputs):
    def through_both(body, content_type):
        csv, ctype = pre.invoke(body, content_type, None)
        out, _ = scorer.invoke(csv, ctype, "application/jsonlines")
        return [json.loads(line) for line in out.splitlines()]

    records = inputs[:12]
    together = through_both(b"".join(m.model_dump_json().encode() + b"\n" for m in records), "application/jsonlines")
    alone = [through_both(m.model_dump_json().encode(), "application/json")[0] for m in records]
    assert together == alone and len(together) == len(records)
