"""The HMAC key behind `applicant_key`, fetched from Secrets Manager once per container."""

from typing import Any

from .errors import ConfigurationError


class ApplicantKey:
    """Caches the key for the life of the container: one Secrets Manager call per cold start.

    The key is the secret's SecretString as UTF-8 bytes, or its SecretBinary as is.
    """

    def __init__(self, client: Any, secret_arn: str | None) -> None:
        self._client = client
        self._secret_arn = secret_arn
        self._key: bytes | None = None

    def get(self) -> bytes:
        if self._key is None:
            if not self._secret_arn:
                raise ConfigurationError("APPLICANT_KEY_SECRET_ARN is not set")
            answer = self._client.get_secret_value(SecretId=self._secret_arn)
            key = answer["SecretBinary"] if "SecretBinary" in answer else answer["SecretString"].encode()
            if not key:
                raise ConfigurationError("the applicant key secret is empty")
            self._key = key
        return self._key
