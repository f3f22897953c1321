import numpy as np
import xgboost as xgb

from riskline_model import artifact
from riskline_model.data.generator import generate
from riskline_model.explain import TreeTable, top_reasons
from riskline_model.features.spec import FeatureSpec


def test_contributions_equal_xgboost_own_path_contributions(model_dir):
    booster = xgb.Booster(model_file=str(model_dir / artifact.BOOSTER))
    spec = FeatureSpec.load(model_dir / artifact.FEATURE_SPEC)
    x = spec.transform_records([i.application.to_model_input() for i in generate(300, seed=71)])
    x[::7, 3] = np.nan  # missing values follow each split's default branch
    ours = TreeTable(booster).contributions(x)
    theirs = booster.predict(
        xgb.DMatrix(x, feature_names=list(spec.features)), pred_contribs=True, approx_contribs=True
    )
    np.testing.assert_allclose(ours, theirs[:, :-1], atol=1e-5)
    # Contributions plus the bias add up to the margin the booster predicts.
    margin = booster.inplace_predict(x, predict_type="margin")
    np.testing.assert_allclose(ours.sum(axis=1) + theirs[:, -1], margin, atol=1e-4)


def test_top_reasons_are_the_strongest_positive_pushes_without_repeats():
    contrib = np.array([[0.5, -1.0, 0.9, 0.1, 0.7], [-0.1, -0.2, -0.3, -0.4, -0.5]])
    codes = ["A_CODE", "B_CODE", "C_CODE", "D_CODE", "A_CODE"]
    assert top_reasons(contrib, codes) == [["C_CODE", "A_CODE", "D_CODE"], []]
