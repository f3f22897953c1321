"""Baseline for bench/serving.py: both stages built the way AWS's stock framework containers serve.

gunicorn + gevent workers + Flask. Stage 2 parses the CSV with numpy, builds a DMatrix per
request and asks the booster for predictions and (path) contributions. Stage 1 validates with the
same schema, then transforms either with riskline's numpy feature spec (BASELINE_PREPROCESS=numpy:
only the server stack and the per-request DMatrix differ) or with a per-request pandas pipeline
(BASELINE_PREPROCESS=pandas, the usual sklearn/pandas-container shape). Same artifact, same answers
as riskline's stages - only the serving technique differs.

Started by the benchmark as `gunicorn -k gevent ... 'serving_baseline:create_app()'`.
"""

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb
from flask import Flask, Response, request

from riskline_model.artifact import read_metadata
from riskline_model.explain import top_reasons
from riskline_model.features.spec import CATEGORICAL, DERIVED, FEATURES, NUMERIC, FeatureSpec
from riskline_model.tier_model import TierModel
from riskline_schema import ModelInput


def pandas_features(spec: FeatureSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """The feature spec written as a pandas pipeline (what a per-request sklearn/pandas stage does)."""
    out = pd.DataFrame(index=frame.index)
    for name in NUMERIC:
        out[name] = pd.to_numeric(frame[name]).astype("float64").fillna(spec.fill[name])
    for name in CATEGORICAL:
        codes = {c: float(i) for i, c in enumerate(spec.categories[name])}
        default = codes[spec.unknown_category[name]]
        out[name] = frame[name].astype(str).map(codes).fillna(default)
    income = out["annual_income"].clip(lower=spec.income_floor)
    r = spec.apr / 12.0
    payment = out["loan_amount"] * r / (1.0 - (1.0 + r) ** (-out["loan_term_months"].clip(lower=1.0)))
    pti = 100.0 * payment * 12.0 / income
    derived = {
        "has_delinquency_record": frame["months_since_last_delinquency"].notna().astype("float64"),
        "loan_to_income": out["loan_amount"] / income,
        "payment_to_income": pti,
        "total_debt_to_income": out["debt_to_income"] + pti,
        "open_lines_ratio": out["open_credit_lines"] / out["total_credit_lines"].clip(lower=1.0),
    }
    for name in DERIVED:
        out[name] = derived[name]
    return out[list(FEATURES)].astype("float32")


def create_app() -> Flask:
    stage = os.environ["RISKLINE_STAGE"]
    model_dir = Path(os.environ["RISKLINE_MODEL_DIR"])
    spec = FeatureSpec.load(model_dir / "feature_spec.json")
    app = Flask(__name__)

    @app.get("/ping")
    def ping() -> Response:
        return Response(status=200)

    if stage == "preprocess":
        use_pandas = os.environ.get("BASELINE_PREPROCESS", "numpy") == "pandas"

        @app.post("/invocations")
        def preprocess() -> Response:
            body = request.get_data()
            if request.content_type.startswith("application/json"):
                inputs = [ModelInput.model_validate_json(body)]
            else:
                inputs = [ModelInput.model_validate_json(line) for line in body.splitlines() if line.strip()]
            if use_pandas:
                frame = pd.DataFrame.from_records([m.model_dump(mode="json") for m in inputs])
                csv = pandas_features(spec, frame).to_csv(header=False, index=False, float_format="%.9g")
            else:
                buf = io.StringIO()
                np.savetxt(buf, spec.transform_records(inputs), delimiter=",", fmt="%.9g")
                csv = buf.getvalue()
            return Response(csv, mimetype="text/csv")

    else:
        booster = xgb.Booster(params={"nthread": 1}, model_file=str(model_dir / "model.ubj"))
        thresholds = TierModel.load(model_dir).thresholds  # the binary artifact's cut-offs
        version = read_metadata(model_dir)["model_version"]
        codes = [spec.reason_codes[f] for f in spec.features]
        tiers = [("low", "accept"), ("medium", "review"), ("high", "reject")]

        @app.post("/invocations")
        def score() -> Response:
            x = np.loadtxt(io.StringIO(request.get_data(as_text=True)), delimiter=",", dtype=np.float32, ndmin=2)
            dmatrix = xgb.DMatrix(x, feature_names=list(spec.features), nthread=1)
            p = booster.predict(dmatrix)
            contrib = booster.predict(dmatrix, pred_contribs=True, approx_contribs=True)[:, :-1]
            reasons = top_reasons(contrib, codes)
            predictions = [
                {
                    "probability": round(float(prob), 6),
                    "tier": tiers[t][0],
                    "decision_hint": tiers[t][1],
                    "reason_codes": r,
                    "model_version": version,
                }
                for prob, t, r in zip(p.tolist(), thresholds.tier_index(p).tolist(), reasons, strict=True)
            ]
            return Response(json.dumps({"predictions": predictions}), mimetype="application/json")

    return app
