"""The one client policy: each client made on first use, once per environment, with the settings asked."""

import sys

import pytest

from riskline_runtime import clients


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    cached = clients.client  # a test may swap it; the cache to clear is the real one's
    cached.cache_clear()
    yield
    cached.cache_clear()


def test_one_client_per_service_and_settings():
    assert clients.client("s3") is clients.client("s3")
    tight = clients.client("lambda", connect_timeout_s=1.0, read_timeout_s=2.5, max_attempts=1)
    assert tight is not clients.client("lambda")
    config = tight.meta.config
    assert (config.connect_timeout, config.read_timeout) == (1.0, 2.5)
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}


def test_a_lazy_client_is_made_on_first_use_only(monkeypatch):
    made = []
    real = clients.client.__wrapped__

    def counting(service, **settings):
        made.append(service)
        return real(service, **settings)

    monkeypatch.setattr(clients, "client", counting)
    s3 = clients.lazy("s3")
    assert made == [] and "not created yet" in repr(s3)
    assert s3.meta.service_model.service_name == "s3"
    assert s3.exceptions.NoSuchKey is not None
    assert made == ["s3"] and "created" in repr(s3)


def test_importing_the_policy_does_not_import_boto3():
    import subprocess

    code = "import sys, riskline_runtime.clients, riskline_runtime.settings; print('boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
