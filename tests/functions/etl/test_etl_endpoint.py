"""The sagemaker-runtime adapter: contract request, retries with jitter, deadline, error kinds."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from riskline_etl.endpoint import Endpoint, make_client
from riskline_etl.errors import ScoringFailure
from riskline_etl.settings import Settings

from .conftest import ENDPOINT_NAME, endpoint_body, prediction, streaming


def client_error(code: str, status: int, message: str = "boom", **extra: object) -> ClientError:
    response = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}, **extra}
    return ClientError(response, "InvokeEndpoint")


def model_error(original_status: int, container_error: str) -> ClientError:
    return client_error(
        "ModelError",
        424,
        f"Received client error ({original_status}) from primary",
        OriginalStatusCode=original_status,
        OriginalMessage=json.dumps({"error": container_error}),
    )


def test_request_is_pii_free_model_input_json_with_contract_content_types(application, clock):
    client = boto3.client("sagemaker-runtime")
    body = endpoint_body(prediction("high", 0.91))
    expected_body = application.to_model_input().model_dump_json()
    with Stubber(client) as stubber:
        stubber.add_response(
            "invoke_endpoint",
            {"Body": streaming(body), "ContentType": "application/json"},
            expected_params={
                "EndpointName": ENDPOINT_NAME,
                "ContentType": "application/json",
                "Accept": "application/json",
                "Body": expected_body,
            },
        )
        answer = Endpoint(client, ENDPOINT_NAME, timeout_ms=1500, max_attempts=3, clock=clock).predict(
            application.to_model_input()
        )
    assert answer.prediction == prediction("high", 0.91)
    assert answer.attempts == 1
    sent = json.loads(expected_body)
    assert "applicant" not in sent
    for secret in ("Lovelace", "ada.lovelace@example.com", "219099999", "Main St"):
        assert secret not in expected_body


def test_container_4xx_relayed_by_a_stubbed_client_is_model_rejected_without_retry(application, clock):
    client = boto3.client("sagemaker-runtime")
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "invoke_endpoint",
            service_error_code="ModelError",
            service_message="Received client error (400) from preprocess",
            http_status_code=424,
            modeled_fields={
                "OriginalStatusCode": 400,
                "OriginalMessage": json.dumps({"error": "annual_income: must be a number"}),
            },
        )
        endpoint = Endpoint(client, ENDPOINT_NAME, timeout_ms=1500, max_attempts=3, clock=clock, sleep=clock.sleep)
        with pytest.raises(ScoringFailure) as failure:
            endpoint.predict(application.to_model_input())
        stubber.assert_no_pending_responses()
    assert failure.value.kind == "model_rejected"
    assert not failure.value.retryable
    assert "annual_income: must be a number" in failure.value.message
    assert clock.sleeps == []


def test_throttling_is_retried_with_full_jitter_backoff_then_succeeds(make_endpoint, sagemaker, clock, application):
    sagemaker.script = [
        client_error("ThrottlingException", 400, "Rate exceeded"),
        client_error("ModelNotReadyException", 429),
        endpoint_body(prediction("low", 0.05)),
    ]
    answer = make_endpoint(sagemaker, jitter=1.0).predict(application.to_model_input())
    assert answer.prediction["tier"] == "low"
    assert answer.attempts == 3
    # Full jitter with the random draw pinned at its maximum: the exponential ceiling itself.
    assert clock.sleeps == [pytest.approx(0.05), pytest.approx(0.1)]
    # Latency is what the caller waited: three round trips plus the two backoffs.
    assert answer.latency_ms == pytest.approx((3 * 0.02 + 0.15) * 1000)


def test_backoff_is_a_random_fraction_of_the_ceiling(make_endpoint, sagemaker, clock, application):
    sagemaker.script = [client_error("ServiceUnavailable", 503), endpoint_body()]
    make_endpoint(sagemaker, jitter=0.25).predict(application.to_model_input())
    assert clock.sleeps == [pytest.approx(0.25 * 0.05)]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (client_error("ServiceUnavailable", 503), "endpoint_error"),
        (client_error("InternalFailure", 500), "endpoint_error"),
        (client_error("InternalDependencyException", 530), "endpoint_error"),
        (model_error(500, "booster crashed"), "endpoint_error"),
        (client_error("ThrottlingException", 400), "throttled"),
        (ReadTimeoutError(endpoint_url="https://runtime.sagemaker.us-east-1.amazonaws.com"), "timeout"),
        (EndpointConnectionError(endpoint_url="https://runtime.sagemaker.us-east-1.amazonaws.com"), "endpoint_error"),
    ],
)
def test_transient_failures_use_every_attempt_then_fail_retryable(
    make_endpoint, sagemaker, clock, application, error, kind
):
    sagemaker.script = [error, error, error, endpoint_body()]
    with pytest.raises(ScoringFailure) as failure:
        make_endpoint(sagemaker, max_attempts=3).predict(application.to_model_input())
    assert failure.value.kind == kind
    assert failure.value.retryable
    assert len(sagemaker.calls) == 3
    assert "after 3 attempts" in failure.value.message


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (model_error(400, "loan_term_months: must be one of 12, 24, 36, 48, 60"), "loan_term_months"),
        (model_error(415, "unsupported content type text/plain"), "unsupported content type"),
        (client_error("ValidationError", 400, "Endpoint riskline-test-endpoint not found."), "not found"),
    ],
)
def test_client_errors_are_model_rejected_and_never_retried(make_endpoint, sagemaker, clock, application, error, text):
    sagemaker.script = [error, endpoint_body()]
    with pytest.raises(ScoringFailure) as failure:
        make_endpoint(sagemaker).predict(application.to_model_input())
    assert failure.value.kind == "model_rejected"
    assert not failure.value.retryable
    assert text in failure.value.message
    assert len(sagemaker.calls) == 1
    assert clock.sleeps == []


def test_no_attempt_starts_that_could_not_finish_before_the_deadline(make_endpoint, sagemaker, clock, application):
    timeout = ReadTimeoutError(endpoint_url="https://runtime.sagemaker.us-east-1.amazonaws.com")
    sagemaker.script = [timeout, timeout, endpoint_body()]
    sagemaker.latency_s = 1.0  # each timed-out attempt burns its full second
    deadline = clock() + 1.5  # room for the first attempt only
    with pytest.raises(ScoringFailure) as failure:
        make_endpoint(sagemaker, timeout_ms=1000, max_attempts=5).predict(
            application.to_model_input(), deadline=deadline
        )
    assert failure.value.kind == "timeout"
    assert "deadline reached" in failure.value.message
    assert len(sagemaker.calls) == 1
    assert clock() <= deadline


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"<html>oops</html>", "not application/json"),
        (json.dumps({"predictions": []}).encode(), "0 predictions"),
        (endpoint_body(prediction(), prediction()), "2 predictions"),
        (json.dumps([prediction()]).encode(), "no predictions"),
    ],
)
def test_malformed_endpoint_answers_are_endpoint_errors_without_retry(
    make_endpoint, sagemaker, application, body, text
):
    sagemaker.script = [body]
    with pytest.raises(ScoringFailure) as failure:
        make_endpoint(sagemaker).predict(application.to_model_input())
    assert failure.value.kind == "endpoint_error"
    assert text in failure.value.message
    assert len(sagemaker.calls) == 1


def test_json_lines_answer_is_read_as_one_prediction_per_line(make_endpoint, sagemaker, application):
    sagemaker.script = [(json.dumps(prediction("high", 0.8)).encode() + b"\n", "application/jsonlines")]
    answer = make_endpoint(sagemaker).predict(application.to_model_input())
    assert answer.prediction == prediction("high", 0.8)


def test_missing_endpoint_name_is_a_clear_configuration_error(clock, sagemaker, application):
    endpoint = Endpoint(sagemaker, "", timeout_ms=1500, max_attempts=3, clock=clock)
    with pytest.raises(ScoringFailure, match="SAGEMAKER_ENDPOINT_NAME is not set"):
        endpoint.predict(application.to_model_input())
    assert sagemaker.calls == []


def test_client_uses_the_configured_timeouts_and_no_botocore_retries():
    client = make_client(Settings(endpoint_name=ENDPOINT_NAME, endpoint_timeout_ms=750, endpoint_max_attempts=4))
    config = client.meta.config
    assert config.read_timeout == pytest.approx(0.75)
    assert config.connect_timeout == pytest.approx(0.75)
    assert config.retries["total_max_attempts"] == 1


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_invalid_numeric_settings_are_rejected_with_their_name(value):
    with pytest.raises(ValueError, match="ENDPOINT_MAX_ATTEMPTS"):
        Settings.from_env({"ENDPOINT_MAX_ATTEMPTS": value})


def test_settings_default_to_the_contract_values():
    settings = Settings.from_env({"SAGEMAKER_ENDPOINT_NAME": " ep ", "APPLICATIONS_TABLE": "t"})
    assert settings == Settings(
        applications_table="t", endpoint_name="ep", endpoint_timeout_ms=1500, endpoint_max_attempts=3
    )
