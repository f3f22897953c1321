"""Both stages as real server processes on loopback, chained as a SageMaker inference pipeline."""

import http.client
import json
import re
from datetime import UTC, datetime

import pytest

from riskline_local.emulator.pipeline import PipelineClient
from riskline_local.emulator.stages import start_stage
from riskline_model.data.generator import generate
from riskline_model.features.spec import FEATURES
from riskline_model.serving.xgboost import Scorer
from riskline_schema import RiskAssessment

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stages(model_dir, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    pre = start_stage("preprocess", model_dir, log_dir=logs)
    xgb = start_stage("xgboost", model_dir, log_dir=logs)
    try:
        pre.wait_ready()
        xgb.wait_ready()
        yield pre, xgb
    finally:
        codes = (pre.stop(), xgb.stop())
    assert codes == (0, 0), "SIGTERM must end both stages cleanly"


@pytest.fixture(scope="module")
def inputs():
    return [x.application.to_model_input() for x in generate(40, seed=81)]


def _request(port, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    out = resp.status, resp.getheader("Content-Type"), resp.read()
    conn.close()
    return out


def test_both_stages_answer_ping(stages):
    for stage in stages:
        assert _request(stage.port, "GET", "/ping")[0] == 200


def test_preprocess_answers_csv_by_default_one_row_per_input(stages, inputs):
    pre, _ = stages
    status, ctype, body = _request(
        pre.port, "POST", "/invocations", inputs[0].model_dump_json().encode(), {"Content-Type": "application/json"}
    )
    assert (status, ctype) == (200, "text/csv")
    rows = body.decode().splitlines()
    assert len(rows) == 1 and len(rows[0].split(",")) == len(FEATURES)


def test_pipeline_scores_one_application_into_a_valid_assessment(stages, inputs, model_dir):
    client = PipelineClient([s.port for s in stages])
    status, ctype, body = client.invoke(inputs[0].model_dump_json().encode(), "application/json")
    client.close()
    assert (status, ctype) == (200, "application/json")
    [prediction] = json.loads(body)["predictions"]
    # The etl adds these three fields; everything else must already satisfy the schema.
    assessment = RiskAssessment(
        application_id=inputs[0].application_id, scored_at=datetime.now(UTC), latency_ms=1.0, **prediction
    )
    expected = Scorer.load(model_dir).predict(Scorer.load(model_dir).spec.transform_records([inputs[0]]))[0]
    assert assessment.probability == pytest.approx(expected["probability"], abs=1e-6)
    assert prediction == expected
    assert all(re.fullmatch(r"^[A-Z][A-Z0-9_]{1,47}$", code) for code in prediction["reason_codes"])
    assert len(prediction["reason_codes"]) <= 3


def test_json_lines_batch_keeps_order_and_can_answer_json_lines(stages, inputs):
    client = PipelineClient([s.port for s in stages])
    body = b"".join(m.model_dump_json().encode() + b"\n" for m in inputs)
    status, ctype, out = client.invoke(body, "application/jsonlines", accept="application/jsonlines")
    single = [
        json.loads(client.invoke(m.model_dump_json().encode(), "application/json")[2])["predictions"][0]
        for m in inputs[:5]
    ]
    client.close()
    assert (status, ctype) == (200, "application/jsonlines")
    lines = [json.loads(line) for line in out.decode().splitlines()]
    assert len(lines) == len(inputs)
    assert lines[:5] == single


def test_a_json_array_is_a_batch_too(stages, inputs):
    pre, _ = stages
    body = json.dumps([m.model_dump(mode="json") for m in inputs[:3]]).encode()
    status, _, out = _request(pre.port, "POST", "/invocations", body, {"Content-Type": "application/json"})
    assert status == 200 and len(out.decode().splitlines()) == 3


@pytest.mark.parametrize(
    ("mutate", "status", "named"),
    [
        (lambda d: d | {"favourite_colour": "blue"}, 400, "favourite_colour: unknown field"),
        (lambda d: {k: v for k, v in d.items() if k != "annual_income"}, 400, "annual_income: required field"),
        (lambda d: d | {"debt_to_income": "lots"}, 400, "debt_to_income"),
        (lambda d: d | {"loan_term_months": 37}, 400, "loan_term_months"),
        (lambda d: d | {"channel": "fax"}, 400, "channel"),
        (lambda d: d | {"open_credit_lines": 9, "total_credit_lines": 3}, 400, "open_credit_lines cannot exceed"),
    ],
)
def test_bad_model_input_is_a_4xx_naming_the_field(stages, inputs, mutate, status, named):
    pre, _ = stages
    doc = mutate(inputs[0].model_dump(mode="json"))
    got, ctype, body = _request(
        pre.port, "POST", "/invocations", json.dumps(doc).encode(), {"Content-Type": "application/json"}
    )
    assert (got, ctype) == (status, "application/json")
    assert named in json.loads(body)["error"]


def test_bad_line_in_a_batch_is_named_by_its_line_number(stages, inputs):
    pre, _ = stages
    body = inputs[0].model_dump_json().encode() + b"\n" + b'{"annual_income": -5}\n'
    status, _, out = _request(pre.port, "POST", "/invocations", body, {"Content-Type": "application/jsonlines"})
    assert status == 400 and json.loads(out)["error"].startswith("line 2: ")


@pytest.mark.parametrize(
    ("stage_index", "body", "headers", "status", "named"),
    [
        (0, b"{not json", {"Content-Type": "application/json"}, 400, "Invalid JSON"),
        (0, b"", {"Content-Type": "application/json"}, 400, "empty request body"),
        (0, b"a,b", {"Content-Type": "text/csv"}, 415, "unsupported content type"),
        (0, b"{}", {"Content-Type": "application/json", "Accept": "application/xml"}, 406, "text/csv"),
        (1, b"1,2,3\n", {"Content-Type": "text/csv"}, 400, f"expects {len(FEATURES)} features"),
        (1, b",".join([b"x"] * len(FEATURES)), {"Content-Type": "text/csv"}, 400, "'x' is not a number"),
        (1, b"{}", {"Content-Type": "application/json"}, 415, "text/csv"),
    ],
)
def test_bad_payloads_get_clear_client_errors(stages, body, headers, stage_index, status, named):
    got, _, out = _request(stages[stage_index].port, "POST", "/invocations", body, headers)
    assert got == status
    assert named in json.loads(out)["error"]


def test_unknown_routes_and_methods_are_refused(stages):
    pre, _ = stages
    assert _request(pre.port, "GET", "/invocations")[0] == 405
    assert _request(pre.port, "GET", "/nope")[0] == 404
    status, _, body = _request(pre.port, "GET", "/execution-parameters")
    assert status == 200 and json.loads(body)["BatchStrategy"] == "MULTI_RECORD"


def test_several_workers_share_the_port_and_stop_cleanly_on_sigterm(model_dir, inputs, tmp_path):
    pre = start_stage("preprocess", model_dir, workers=2, log_dir=tmp_path)
    try:
        pre.wait_ready()
        status, _, _ = _request(
            pre.port, "POST", "/invocations", inputs[1].model_dump_json().encode(), {"Content-Type": "application/json"}
        )
        assert status == 200
    finally:
        assert pre.stop() == 0, pre.log_tail()


@pytest.mark.parametrize(
    ("stage", "env", "message"),
    [
        ("nonsense", {}, "RISKLINE_STAGE must be"),
        ("preprocess", {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "application/json"}, "this stage produces text/csv"),
    ],
)
def test_misconfigured_stage_refuses_to_start(model_dir, tmp_path, stage, env, message):
    proc = start_stage(stage, model_dir, log_dir=tmp_path, extra_env=env)
    assert proc.process.wait(60) != 0
    assert message in proc.log_tail()
