"""Container-level set-up: settings, the cached applicant key, and what the handler import loads."""

import os
import subprocess
import sys

import boto3
import pytest

from riskline_routing.errors import ConfigurationError
from riskline_routing.keys import ApplicantKey
from riskline_routing.settings import Settings


def test_settings_default_to_the_aws_backend_and_the_applications_prefix():
    settings = Settings.from_env({"LAKE_BUCKET": "lake", "LAKE_PREFIX": "/raw/applications/"})
    assert (settings.warehouse_backend, settings.lake_prefix) == ("redshift", "raw/applications")
    assert Settings.from_env({}).lake_prefix == "applications"


def test_an_unknown_backend_or_a_missing_value_names_its_variable():
    with pytest.raises(ConfigurationError, match="WAREHOUSE_BACKEND"):
        Settings.from_env({"WAREHOUSE_BACKEND": "sqlite"})
    with pytest.raises(ConfigurationError, match="LAKE_BUCKET is not set"):
        Settings.from_env({}).require("lake_bucket")


class CountingSecrets:
    def __init__(self, answer: dict) -> None:
        self.calls = 0
        self.answer = answer

    def get_secret_value(self, SecretId: str) -> dict:  # boto3 spells the parameter SecretId
        self.calls += 1
        return self.answer


def test_applicant_key_is_fetched_once_per_container():
    secrets = CountingSecrets({"SecretString": "k3y"})
    key = ApplicantKey(secrets, "arn:aws:secretsmanager:us-east-1:123456789012:secret:k")

    assert [key.get(), key.get(), key.get()] == [b"k3y"] * 3
    assert secrets.calls == 1


def test_applicant_key_accepts_a_binary_secret(aws):
    client = boto3.client("secretsmanager")
    arn = client.create_secret(Name="riskline-test-binary-key", SecretBinary=b"\x00binary-key")["ARN"]
    assert ApplicantKey(client, arn).get() == b"\x00binary-key"


def test_applicant_key_without_its_arn_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="APPLICANT_KEY_SECRET_ARN"):
        ApplicantKey(CountingSecrets({}), None).get()


@pytest.mark.parametrize("backend", ["redshift", "duckdb"])
def test_importing_the_handler_needs_no_duckdb_no_boto3_and_no_configuration(backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKE_", "WAREHOUSE_", "REDSHIFT_"))}
    env["WAREHOUSE_BACKEND"] = backend
    code = (
        "import sys, riskline_routing.stream as s; print(callable(s.handler), 'duckdb' in sys.modules,"
        " 'boto3' in sys.modules, 'aws_lambda_powertools.utilities.batch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # boto3 waits for the first batch; powertools' batch utility is not used (riskline_runtime.batch is)
    assert result.stdout.split() == ["True", "False", "False", "False"]
