"""The one-walk predictor against XGBoost (margins) and against the numpy reference (reasons)."""

import dataclasses

import numba
import numpy as np
import pytest

from riskline_model import forest_kernels
from riskline_model.data.generator import generate
from riskline_model.explain import ReferenceExplainer, top_reasons
from riskline_model.features.spec import FeatureSpec
from riskline_model.predictor import TOLERANCE, Predictor, probe_rows
from riskline_model.tier_model import TierModel


@pytest.fixture(scope="module")
def kinds(model_dir, graded_dir, tmp_path_factory, train_once):
    """An artifact of every tier model kind: binary, the session's graded one, softmax and ordinal."""
    dirs = {"binary": model_dir, "graded": graded_dir}
    for kind in ("softmax", "ordinal"):
        out = tmp_path_factory.mktemp(kind)
        dirs[kind] = train_once(out, rows=2_000, seed=4, labels="graded", tier_model=kind, num_round=60).unpacked
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


def test_compiled_top_reasons_equal_the_reference_on_ties_zeros_and_repeated_codes():
    rng = np.random.default_rng(9)
    n_features = 23
    codes = [f"CODE_{j % 9}" for j in range(n_features)]  # codes shared by several features
    code_names = list(dict.fromkeys(codes))
    code_of = np.array([code_names.index(c) for c in codes], dtype=np.int64)
    # Few distinct values: ties everywhere, exact zeros, rows with fewer than k positives.
    contrib = rng.choice([-0.5, -0.0, 0.0, 0.25, 0.5, 1.0], size=(4_000, n_features))
    contrib[::5] = np.minimum(contrib[::5], 0.0)
    contrib[1::7, : n_features - 2] = 0.0
    expected = top_reasons(contrib, codes, 3)
    for threads, kernel in ((1, forest_kernels.top_reasons_serial), (2, forest_kernels.top_reasons_parallel)):
        out = np.full((len(contrib), 3), -1, dtype=np.int64)
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        kernel(contrib, code_of, out)
        assert [[code_names[c] for c in row if c >= 0] for row in out.tolist()] == expected


def test_reasons_picked_in_the_walk_equal_those_picked_after_it(kinds):
    _, spec, predictor = _load(kinds["binary"])
    assert predictor.forest.n_columns == 1 and predictor.model.linear is None  # the in-walk path
    x = _test_set(spec, rows=1_000)
    scores = predictor.score(x)
    assert np.array_equal(scores.reasons, predictor.top_reasons(scores.contributions))
