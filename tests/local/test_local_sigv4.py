"""The API Gateway front's SigV4 check for AWS_IAM methods: botocore signs, the front recomputes."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from riskline_local.emulator.sigv4 import LocalCredentials, SignatureRefused, Signer, sign, verify

AUDITOR = Signer("AKIAAUDITOR0000001", "auditor-secret", "arn:aws:iam::123456789012:user/auditor-01", "AIDAAUDITOR01")
URL = "http://127.0.0.1:8123/local/applications/0123456789abcdef/audit"
BODY = b'{"outcome": "reject", "grade": "high"}'


def signed(signer=AUDITOR, body=BODY, url=URL):
    headers = sign("PUT", url, body, {"Content-Type": "application/json"}, signer, "us-east-1")
    return httpx.Headers({**headers, "Host": "127.0.0.1:8123", "User-Agent": "unsigned/1.0"})


def check(headers, body=BODY, path="/local/applications/0123456789abcdef/audit", **kwargs):
    return verify("PUT", path, "", headers, body, LocalCredentials([AUDITOR]), "us-east-1", **kwargs)


def test_a_request_signed_by_a_known_key_is_accepted_with_its_principal():
    assert check(signed()).principal_arn == "arn:aws:iam::123456789012:user/auditor-01"


@pytest.mark.parametrize(
    ("tamper", "error_type"),
    [
        (lambda h: h.pop("Authorization"), "MissingAuthenticationTokenException"),
        (lambda h: h.__setitem__("Authorization", "Bearer abc"), "IncompleteSignatureException"),
        (lambda h: h.__setitem__("Authorization", h["Authorization"][:-4] + "0000"), "InvalidSignatureException"),
        (lambda h: h.__setitem__("X-Amz-Date", "20200101T000000Z"), "InvalidSignatureException"),
    ],
)
def test_missing_malformed_or_wrong_signatures_are_refused_as_api_gateway_does(tamper, error_type):
    headers = signed()
    tamper(headers)

    with pytest.raises(SignatureRefused) as refused:
        check(headers)

    assert refused.value.error_type == error_type


def test_an_unknown_access_key_is_an_invalid_security_token():
    stranger = Signer("AKIASTRANGER000001", "x", "arn:aws:iam::123456789012:user/stranger", "AIDASTRANGER")

    with pytest.raises(SignatureRefused, match="security token included in the request is invalid"):
        check(signed(stranger))


def test_a_body_changed_after_signing_is_refused():
    with pytest.raises(SignatureRefused, match="does not match"):
        check(signed(), body=b'{"outcome": "accept"}')


def test_a_signature_older_than_five_minutes_has_expired():
    with pytest.raises(SignatureRefused, match="Signature expired"):
        check(signed(), now=datetime.now(UTC) + timedelta(minutes=6))
