"""The one-walk predictor against XGBoost (margins) and against the numpy reference (reasons)."""

import dataclasses

import numpy as np
import pytest

from riskline_model.data.generator import generate
from riskline_model.explain import ReferenceExplainer, top_reasons
from riskline_model.features.spec import FeatureSpec
from riskline_model.predictor import TOLERANCE, Predictor, probe_rows
from riskline_model.tier_model import TierModel
from riskline_model.train import train_to_dir


@pytest.fixture(scope="module")
def kinds(model_dir, graded_dir, tmp_path_factory):
    """An artifact of every tier model kind: binary, the session's graded one, softmax and ordinal."""
    dirs = {"binary": model_dir, "graded": graded_dir}
    for kind in ("softmax", "ordinal"):
        out = tmp_path_factory.mktemp(kind)
        dirs[kind] = train_to_dir(out, rows=2_000, seed=4, labels="graded", tier_model=kind, num_round=60).unpacked
    return dirs


def _load(model_dir, threads=1):
    spec = FeatureSpec.load(model_dir / "feature_spec.json")
    model = TierModel.load(model_dir, nthread=1)
    return model, spec, Predictor(model, [spec.reason_codes[f] for f in spec.features], threads=threads)


def _test_set(spec, rows=3_000):
    x = spec.transform_records([i.application.to_model_input() for i in generate(rows, seed=505)])
    x[::11, 2] = np.nan  # missing values take each split's default branch
    x[5::13, 7] = np.nan
    return x


@pytest.mark.parametrize("kind", ["binary", "graded", "softmax", "ordinal"])
def test_margins_equal_xgboost_on_every_row(kinds, kind):
    model, spec, predictor = _load(kinds[kind])
    x = _test_set(spec)
    ours, _ = predictor.walk(x)
    theirs = model.margins(x)
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours.astype(np.float64) - theirs)) <= TOLERANCE


@pytest.mark.parametrize("kind", ["binary", "graded", "softmax", "ordinal"])
def test_contributions_and_reason_codes_equal_the_reference_explain_path(kinds, kind):
    model, spec, predictor = _load(kinds[kind])
    x = _test_set(spec, rows=1_500)
    scores = predictor.score(x)
    reference = ReferenceExplainer(model).explain(x, scores.served)
    np.testing.assert_allclose(scores.contributions, reference, rtol=0, atol=1e-12)
    codes = [spec.reason_codes[f] for f in spec.features]
    assert predictor.reason_names(scores.reasons) == top_reasons(reference, codes, 3)
    # The probabilities and tiers are the tier model's own, read from XGBoost's margins.
    p, tier_p = model.probabilities(model.margins(x))
    np.testing.assert_allclose(scores.tier_probabilities, tier_p, atol=1e-6)
    assert np.array_equal(scores.served, model.serve(p, tier_p))


def test_threads_change_nothing_but_speed(kinds):
    _, spec, serial = _load(kinds["graded"])
    _, _, parallel = _load(kinds["graded"], threads=2)
    x = _test_set(spec, rows=2_000)
    one, many = serial.score(x), parallel.score(x)
    assert np.array_equal(one.margins, many.margins)
    assert np.array_equal(one.contributions, many.contributions)
    assert np.array_equal(one.reasons, many.reasons)


def test_a_single_row_scores_as_it_does_in_a_batch(kinds):
    _, spec, predictor = _load(kinds["binary"])
    x = _test_set(spec, rows=40)
    batch = predictor.score(x)
    for r in (0, 11, 39):
        alone = predictor.score(x[r : r + 1])
        assert np.array_equal(alone.margins[0], batch.margins[r])
        assert np.array_equal(alone.reasons[0], batch.reasons[r])


def test_probe_rows_reach_both_sides_of_every_split_and_the_missing_branch(kinds):
    _, _, predictor = _load(kinds["binary"])
    forest = predictor.forest
    x = probe_rows(forest, 256)
    root_feature, root_cut = forest.feature[:, 0], forest.threshold[:, 0]
    column = x[:, root_feature]  # (rows, trees): each tree's root feature
    assert (column < root_cut).any(axis=0).all() and (column >= root_cut).any(axis=0).all()
    assert np.isnan(x).any()


def test_a_predictor_that_does_not_reproduce_xgboost_refuses_to_load(kinds):
    model, spec, predictor = _load(kinds["binary"])
    wrong = dataclasses.replace(predictor.forest, leaf=predictor.forest.leaf + np.float32(1e-3))
    codes = [spec.reason_codes[f] for f in spec.features]
    with pytest.raises(ValueError, match="differs from xgboost"):
        Predictor(model, codes, forest=wrong)
