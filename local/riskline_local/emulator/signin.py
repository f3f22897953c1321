"""The local stack's sign-in: issues ID tokens of the same kind as the auditors' Cognito user pool, and
verifies them on the API's Cognito-authorized routes as API Gateway's user-pool authorizer does.

Discovered, not configured: the pool is the one the workbench routes' authorizer names (Terraform
created it in moto), its groups and app client are read from moto. The tokens are RS256 JWTs with
Cognito's claims (`iss` https://cognito-idp.<region>.amazonaws.com/<pool id>, `aud` the client id,
`token_use` id, `cognito:username`, `cognito:groups`, `exp`), signed with a key made at start-up.
What this does not do that Cognito does is listed in local/README.md ("liberties").
"""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class LocalUser:
    username: str
    password: str
    groups: tuple[str, ...]
    email: str


class LocalSignIn:
    def __init__(self, *, pool_id: str, client_id: str, region: str, users: list[LocalUser]) -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.users = {user.username: user for user in users}
        self._key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex}, private=True)

    def issue(self, username: str, password: str) -> str | None:
        """An ID token for a known user with the right password; None otherwise (no hint which was wrong)."""
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            return None
        now = int(time.time())
        claims = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}/{user.username}")),
            "iss": self.issuer,
            "aud": self.client_id,
            "token_use": "id",
            "auth_time": now,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "cognito:username": user.username,
            "cognito:groups": list(user.groups),
            "email": user.email,
            "email_verified": True,
        }
        return jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key)

    def verify(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway hands them to the function (every value a string), or None
        (API Gateway answers 401) for a missing, malformed, foreign, expired or wrongly signed token."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            decoded = jwt.decode(token, self._key, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                token_use={"essential": True, "value": "id"},
                exp={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return {name: _as_string(value) for name, value in decoded.claims.items()}


def _as_string(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def discover(
    apigw: Any, cognito: Any, rest_api_id: str, authorizer_ids: set[str], region: str
) -> dict[str, LocalSignIn]:
    """One sign-in per Cognito user-pool authorizer of the API, with two users: an auditor (in every
    group of the pool) and an analyst (in none), each with a password made for this run."""
    found: dict[str, LocalSignIn] = {}
    for authorizer_id in sorted(authorizer_ids):
        authorizer = apigw.get_authorizer(restApiId=rest_api_id, authorizerId=authorizer_id)
        if authorizer.get("type") != "COGNITO_USER_POOLS" or not authorizer.get("providerARNs"):
            continue
        pool_id = authorizer["providerARNs"][0].rsplit("/", 1)[-1]
        clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
        groups = tuple(g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id)["Groups"])
        users = [
            LocalUser("auditor", secrets.token_urlsafe(12), groups, "auditor@example.com"),
            LocalUser("analyst", secrets.token_urlsafe(12), (), "analyst@example.com"),
        ]
        found[authorizer_id] = LocalSignIn(
            pool_id=pool_id, client_id=clients[0]["ClientId"] if clients else "local", region=region, users=users
        )
    return found
