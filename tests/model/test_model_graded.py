"""Graded labels end to end: generator -> training entry point -> artifact -> both stages -> RiskAssessment."""

import json
import tarfile
from datetime import UTC, datetime

import numpy as np
import pytest

from riskline_model import artifact
from riskline_model import train as train_module
from riskline_model.data.generator import generate
from riskline_model.data.labeled import write_rows
from riskline_model.serving.preprocess import Preprocessor
from riskline_model.serving.xgboost import Scorer
from riskline_model.tier_model import TierModel
from riskline_model.train import EXIT_EMPTY_TIER, main
from riskline_schema import RiskAssessment

TIERS = ["low", "medium", "high"]


@pytest.fixture(scope="module")
def metrics(graded_trained):
    return json.loads((graded_trained.tarball.parent / "metrics.json").read_text())


@pytest.fixture(scope="module")
def inputs():
    return [x.application.to_model_input() for x in generate(400, seed=93, labels="graded")]


def test_the_generators_graded_mode_has_a_small_high_tier_and_keeps_the_true_probabilities():
    items = generate(3_000, seed=5, labels="graded")
    shares = {t: np.mean([x.label.value == t for x in items]) for t in TIERS}
    assert 0.02 < shares["high"] < 0.08 and shares["low"] > shares["medium"] > shares["high"]
    truth = np.array([x.true_tier_probabilities for x in items])
    assert np.allclose(truth.sum(axis=1), 1.0)
    # The labels follow the stated probabilities: per tier, the mean true probability matches the share.
    assert np.allclose(truth.mean(axis=0), [shares[t] for t in TIERS], atol=0.02)
    row = items[0].to_row()
    assert row["label"] in TIERS and row["true_p_high"] == pytest.approx(row["true_probability"])


def test_binary_mode_is_unchanged_by_the_graded_mode():
    binary, graded = generate(50, seed=3), generate(50, seed=3, labels="graded")
    assert [b.application for b in binary] == [g.application for g in graded]
    assert {b.label.value for b in binary} <= {"accept", "reject"}


def test_graded_training_reports_the_tier_model_beside_both_baselines(metrics):
    assert metrics["label_kind"] == "grade" and metrics["tier_model"] in ("softmax", "ordinal", "ensemble")
    candidates = metrics["tier_model_candidates"]
    assert set(candidates) == {"softmax", "ordinal", "ensemble"}
    # The run keeps the ensemble unless a single formulation beats it clearly on validation.
    best = min(candidates, key=lambda n: candidates[n]["validation_log_loss"])
    clearly = candidates[best]["validation_log_loss"] < candidates["ensemble"]["validation_log_loss"] - 0.002
    assert metrics["tier_model"] == (best if clearly else "ensemble")
    assert metrics["empty_tiers"] == [] and all(metrics["served_counts"][t] > 0 for t in TIERS)
    for block in (metrics["model"], *metrics["baselines"].values()):
        assert set(block["per_class"]) == set(TIERS) and set(block["auc_ovr"]) == set(TIERS)
        assert sum(map(sum, block["confusion"])) == metrics["rows"]
        assert 0 < block["macro_f1"] <= 1 and set(block["ece"]) == set(TIERS)
    assert set(metrics["baselines"]) == {"logistic_regression", "xgboost_plain"}
    # The truth is known, so the Bayes-optimal figures bound the model's.
    assert metrics["auc_high"] <= metrics["bayes_auc_high"] + 0.03
    assert metrics["log_loss"] >= metrics["bayes_log_loss"] - 0.03
    assert isinstance(metrics["comparison"]["beats_all"], bool) and metrics["comparison"]["verdict"]


def test_the_report_shows_the_baselines_and_confusion_pictures(graded_trained):
    html = (graded_trained.tarball.parent / "report.html").read_text()
    for alt in ("reliability", "confusion_model", "confusion_logistic_regression", "confusion_xgboost_plain"):
        assert f'alt="{alt}" src="data:image/png;base64,' in html
    assert "plain XGBoost" in html and "logistic regression" in html and "macro_f1" in html


def test_the_artifact_carries_the_grade_vocabulary_and_the_policy(graded_dir):
    doc = json.loads((graded_dir / artifact.TIERS).read_text())
    assert doc["vocabulary"]["grades"]["e"] == "high" and doc["vocabulary"]["grades"]["b"] == "low"
    assert doc["policy"]["rule"] == "expected_cost" and len(doc["policy"]["costs"]) == 3
    assert doc["kind"] in ("softmax", "ordinal", "ensemble") and doc["calibration"] and doc["linear"]
    assert all((graded_dir / name).is_file() for name in doc["boosters"])


def test_graded_artifact_through_both_stages_gives_valid_risk_assessments(graded_dir, inputs):
    pre, scorer = Preprocessor.load(graded_dir), Scorer.load(graded_dir)
    body = b"".join(m.model_dump_json().encode() + b"\n" for m in inputs)
    csv, ctype = pre.invoke(body, "application/jsonlines", None)
    answer, _ = scorer.invoke(csv, ctype, "application/json")
    predictions = json.loads(answer)["predictions"]
    assessments = [
        RiskAssessment.model_validate({**p, "application_id": m.application_id, "scored_at": datetime.now(UTC)})
        for p, m in zip(predictions, inputs, strict=True)
    ]
    assert {a.tier.value for a in assessments} == set(TIERS)
    model = TierModel.load(graded_dir)
    for a in assessments:
        probs = np.array([[a.tier_probabilities.low, a.tier_probabilities.medium, a.tier_probabilities.high]])
        assert TIERS[int(model.policy.serve(probs)[0])] == a.tier.value
        assert a.probability == pytest.approx(a.tier_probabilities.high, abs=1e-6)


def test_graded_reason_codes_explain_the_tier_served(graded_dir, inputs):
    pre, scorer = Preprocessor.load(graded_dir), Scorer.load(graded_dir)
    x = pre.features(inputs)
    predictions = scorer.predict(x)
    served = np.array([TIERS.index(p["tier"]) for p in predictions])
    contrib = scorer.explain(x, served)
    for row, p in zip(contrib, predictions, strict=True):
        if row.max() > 0:
            assert p["reason_codes"][0] == scorer.codes[int(np.argmax(row))]
    # The contributions add up to the margin that decided the tier (this tier's over the one below),
    # up to a constant per tier: path contributions plus the linear terms are an exact split of it.
    margins = scorer.model.margins(x)
    decided = np.einsum("ng,ng->n", margins, scorer.explain_weights[served])
    for tier in range(3):
        rows = served == tier
        assert rows.any()
        gap = contrib[rows].sum(axis=1) - decided[rows]
        assert np.ptp(gap) < 1e-3


@pytest.mark.parametrize(("kind", "boosters"), [("softmax", 1), ("ordinal", 2)])
def test_each_tier_model_kind_trains_packs_and_serves(tmp_path, inputs, train_once, kind, boosters):
    paths = train_once(tmp_path, rows=2_000, seed=4, labels="graded", tier_model=kind, num_round=60)
    with tarfile.open(paths.tarball) as tar:
        assert sum(name.endswith(".ubj") for name in tar.getnames()) == boosters
    scorer, pre = Scorer.load(paths.unpacked), Preprocessor.load(paths.unpacked)
    assert scorer.model.kind == kind
    predictions = scorer.predict(pre.features(inputs[:50]))
    for p in predictions:
        assert sum(p["tier_probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_binary_artifacts_answer_tier_probabilities_that_follow_the_cut_offs(model_dir, inputs):
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir)
    predictions = scorer.predict(pre.features(inputs))
    t = scorer.thresholds
    for p in predictions:
        probs = p["tier_probabilities"]
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert (probs["medium"] + probs["high"] > 0.5) == (p["probability"] >= t.low_below) or abs(
            p["probability"] - t.low_below
        ) < 1e-4
    ordered = sorted(predictions, key=lambda p: p["probability"])
    highs = [p["tier_probabilities"]["high"] for p in ordered]
    assert highs == sorted(highs)  # P(high) rises with the reject probability


def _graded_file(tmp_path, rows=2_500, seed=8):
    data = tmp_path / "data" / "train.jsonl"
    write_rows(data, [x.to_row() for x in generate(rows, seed, labels="graded")])
    return data.parent


def test_an_empty_tier_fails_the_training_entry_point_unless_the_operator_allows_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("RISKLINE_ALLOW_EMPTY_TIERS", raising=False)
    train = _graded_file(tmp_path)
    # Serving medium costs 100 whatever the truth: no application is served medium.
    args = ["--train", str(train), "--model-dir", str(tmp_path / "m"), "--output-data-dir", str(tmp_path / "o")]
    args += ["--config-dir", str(tmp_path / "c"), "--hp", "tier_costs=0,100,1;1,0,1;1,100,0", "--hp", "num_round=40"]
    # Every call below decides on the same training result: the first trains, the others reuse it.
    trained, results = train_module.run, []

    def run_once(paths, hp):
        if not results:
            results.append(trained(paths, hp))
        return results[0]

    monkeypatch.setattr(train_module, "run", run_once)
    assert main(args) == EXIT_EMPTY_TIER
    err = capsys.readouterr().err
    assert "EMPTY TIER" in err and "tier medium" in err
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["empty_tiers"] == ["medium"]
    assert "EMPTY TIER" in (tmp_path / "o" / "report.html").read_text()
    assert main([*args, "--allow-empty-tiers"]) == 0
    assert "allowed by the operator" in capsys.readouterr().err
    assert main([*args, "--hp", "allow_empty_tiers=1"]) == 0
    monkeypatch.setenv("RISKLINE_ALLOW_EMPTY_TIERS", "1")
    assert main(args) == 0
    monkeypatch.setenv("RISKLINE_ALLOW_EMPTY_TIERS", "0")
    assert main(args) == EXIT_EMPTY_TIER  # "0" is not a yes
    assert len(results) == 1


def test_a_binary_book_with_a_4_percent_reject_rate_gets_three_non_empty_tiers(tmp_path):
    items = generate(6_000, seed=21)
    rng = np.random.default_rng(0)
    # Keep every accept and just enough rejects for a 4 % base rate (rare rejects, as on prime books).
    accepts = [x for x in items if x.label.value == "accept"]
    rejects = [x for x in items if x.label.value == "reject"]
    keep = rng.choice(len(rejects), size=round(len(accepts) * 0.04 / 0.96), replace=False)
    rows = [x.to_row() for x in accepts] + [rejects[i].to_row() for i in keep]
    write_rows(tmp_path / "data" / "train.jsonl", rows)
    args = ["--train", str(tmp_path / "data"), "--model-dir", str(tmp_path / "m"), "--output-data-dir"]
    assert main([*args, str(tmp_path / "o"), "--config-dir", str(tmp_path / "c")]) == 0
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["auditor_reject_rate"] == pytest.approx(0.04, abs=0.01)
    assert metrics["empty_tiers"] == [] and all(metrics["tiers"][t]["count"] > 0 for t in TIERS)
    assert metrics["tier_reject_rates_rise"]
