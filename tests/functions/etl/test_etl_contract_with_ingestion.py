"""ingestion → etl: the caller's real client code against the etl sync handler, through Invoke's JSON."""

import io
import json

import pytest

import riskline_etl.sync as sync

from .conftest import endpoint_body, prediction

scoring = pytest.importorskip("riskline_ingestion.scoring")


class InvokeThroughHandler:
    """A Lambda client whose RequestResponse invoke runs the etl handler in-process, as Lambda would."""

    def __init__(self, context):
        self.context = context

    def invoke(self, FunctionName, InvocationType, Payload):  # boto3 spells its parameters this way
        assert InvocationType == "RequestResponse"
        answer = sync.handler(json.loads(Payload), self.context)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


@pytest.fixture(autouse=True)
def _fake_endpoint(monkeypatch, endpoint):
    monkeypatch.setattr(sync, "endpoint", endpoint)


def test_ingestion_gets_the_assessment_the_endpoint_produced(application, lambda_context, sagemaker):
    sagemaker.script = [endpoint_body(prediction("high", 0.93))]
    scorer = scoring.LambdaScorer(InvokeThroughHandler(lambda_context), "riskline-test-etl-sync:live")
    assessment = scorer.score(application)
    assert assessment is not None
    assert (assessment.application_id, assessment.tier, assessment.probability) == (
        application.application_id,
        "high",
        0.93,
    )


def test_ingestion_treats_a_typed_etl_error_as_not_scored(application, lambda_context, sagemaker):
    sagemaker.script = [endpoint_body(prediction("low", 0.1, decision_hint="reject"))]
    scorer = scoring.LambdaScorer(InvokeThroughHandler(lambda_context), "riskline-test-etl-sync:live")
    assert scorer.score(application) is None
