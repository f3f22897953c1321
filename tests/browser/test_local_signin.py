"""The local sign-in issues Cognito-shaped ID tokens and verifies them as the user-pool authorizer would."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from riskline_local.emulator.signin import LocalSignIn, LocalUser

POOL = "us-east-1_AbCdEf123"


@pytest.fixture
def signin() -> LocalSignIn:
    users = [
        LocalUser("auditor", "correct horse", ("auditors",), "auditor@example.com"),
        LocalUser("analyst", "battery staple", (), "analyst@example.com"),
    ]
    return LocalSignIn(pool_id=POOL, client_id="page-client", region="us-east-1", users=users)


def test_a_token_carries_cognitos_claims_and_verifies_as_strings(signin):
    claims = signin.verify(signin.issue("auditor", "correct horse"))

    assert claims is not None
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
    assert (claims["aud"], claims["token_use"], claims["cognito:username"]) == ("page-client", "id", "auditor")
    assert claims["cognito:groups"] == "auditors"
    assert all(isinstance(value, str) for value in claims.values())


def test_a_wrong_password_or_unknown_user_gets_no_token(signin):
    assert signin.issue("auditor", "wrong") is None
    assert signin.issue("nobody", "correct horse") is None


def test_missing_forged_foreign_and_expired_tokens_are_refused(signin):
    other = LocalSignIn(
        pool_id="us-east-1_Other9999", client_id="page-client", region="us-east-1", users=list(signin.users.values())
    )
    foreign = other.issue("auditor", "correct horse")
    now = int(time.time())
    stranger = RSAKey.generate_key(2048, private=True)
    forged = jwt.encode(
        {"alg": "RS256"},
        {"iss": signin.issuer, "aud": "page-client", "token_use": "id", "exp": now + 600, "cognito:username": "x"},
        stranger,
    )
    expired = jwt.encode(
        {"alg": "RS256", "kid": signin._key.kid},
        {"iss": signin.issuer, "aud": "page-client", "token_use": "id", "exp": now - 1, "cognito:username": "x"},
        signin._key,
    )

    for token in (None, "", "not a token", foreign, forged, expired):
        assert signin.verify(token) is None


def test_a_bearer_prefix_is_accepted(signin):
    assert signin.verify("Bearer " + signin.issue("analyst", "battery staple"))["cognito:groups"] == ""
