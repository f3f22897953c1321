"""SigV4 verification for the API Gateway front's `AWS_IAM` methods, as API Gateway does it.

The signature is recomputed with botocore's own signer from the request's signed headers, method,
path, query and body, using the secret of the access key named in the credential scope, and compared
in constant time. Refusals are the 403s API Gateway gives: no `Authorization` header → "Missing
Authentication Token"; an unknown access key → "The security token included in the request is
invalid."; a malformed header, a wrong scope or signature, or a request signed more than five minutes
away from now → the signature errors.
"""

from __future__ import annotations

import hmac
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "execute-api"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=5)
_PARTS = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]+)")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Signer:
    access_key: str
    secret_key: str
    principal_arn: str
    user_id: str


class LocalCredentials:
    """Access key id → its secret and the IAM principal it belongs to (thread-safe; keys may be added live)."""

    def __init__(self, signers: list[Signer] | None = None) -> None:
        self._lock = threading.Lock()
        self._by_key = {s.access_key: s for s in signers or []}

    @classmethod
    def for_stack(cls, account_id: str) -> LocalCredentials:
        """The local stack's own fake credentials (`testing`/`testing`), as moto's default user."""
        return cls([Signer("testing", "testing", f"arn:aws:iam::{account_id}:user/moto", "AIDAMOTOLOCALSTACK00")])

    def add(self, signer: Signer) -> None:
        with self._lock:
            self._by_key[signer.access_key] = signer

    def get(self, access_key: str) -> Signer | None:
        with self._lock:
            return self._by_key.get(access_key)


class SignatureRefused(Exception):
    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.message, self.error_type = message, error_type


def _refuse(message: str, error_type: str = "InvalidSignatureException") -> SignatureRefused:
    return SignatureRefused(message, error_type)


def verify(
    method: str,
    path: str,
    query: str,
    headers: Any,
    body: bytes,
    credentials: LocalCredentials,
    region: str,
    *,
    now: datetime | None = None,
) -> Signer:
    """The signer of a valid request, else SignatureRefused. `headers` must be case-insensitive."""
    authorization = headers.get("Authorization")
    if not authorization:
        raise _refuse("Missing Authentication Token", "MissingAuthenticationTokenException")
    if not authorization.startswith(ALGORITHM + " "):
        raise _refuse("Authorization header requires the AWS4-HMAC-SHA256 algorithm", "IncompleteSignatureException")
    parts = dict(_PARTS.findall(authorization))
    if set(parts) != {"Credential", "SignedHeaders", "Signature"}:
        raise _refuse(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters",
            "IncompleteSignatureException",
        )
    scope = parts["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise _refuse("Credential should be scoped to a valid region, service and aws4_request")
    access_key, day, scope_region, service, _ = scope
    signer = credentials.get(access_key)
    if signer is None:
        raise _refuse("The security token included in the request is invalid.", "UnrecognizedClientException")
    stamp = headers.get("X-Amz-Date")
    try:
        signed_at = datetime.strptime(stamp or "", _STAMP).replace(tzinfo=UTC)
    except ValueError:
        raise _refuse("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header") from None
    current = now or datetime.now(UTC)
    if abs(current - signed_at) > MAX_SKEW:
        raise _refuse(f"Signature expired: {stamp} is now earlier than {(current - MAX_SKEW).strftime(_STAMP)}")
    if day != signed_at.strftime("%Y%m%d") or scope_region != region or service != SERVICE:
        raise _refuse(f"Credential should be scoped to {signed_at:%Y%m%d}/{region}/{SERVICE}/aws4_request")
    signed_names = parts["SignedHeaders"].split(";")
    if "host" not in signed_names:
        raise _refuse("'Host' must be a signed header")
    missing = [name for name in signed_names if headers.get(name) is None]
    if missing:
        raise _refuse(f"signed headers missing from the request: {', '.join(missing)}")
    expected = _signature(method, path, query, headers, body, signed_names, signer, region, stamp)
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise _refuse(
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method."
        )
    return signer


def _signature(
    method: str,
    path: str,
    query: str,
    headers: Any,
    body: bytes,
    signed_names: list[str],
    signer: Signer,
    region: str,
    stamp: str,
) -> str:
    """What botocore's SigV4 signer computes for this request, its headers limited to the signed ones."""
    url = f"http://{headers.get('host')}{path}"  # the path as sent; botocore canonicalises it like the client
    request = AWSRequest(
        method=method,
        url=url + (f"?{query}" if query else ""),
        data=body,
        headers={name: headers.get(name) for name in signed_names},
    )
    request.context["timestamp"] = stamp
    auth = SigV4Auth(Credentials(signer.access_key, signer.secret_key), SERVICE, region)
    canonical = auth.canonical_request(request)
    return auth.signature(auth.string_to_sign(request, canonical), request)


def sign(method: str, url: str, body: bytes, headers: dict[str, str], signer: Signer, region: str) -> dict[str, str]:
    """Headers to send for a SigV4-signed request (what a client's SDK adds); for the demo's auditors."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    SigV4Auth(Credentials(signer.access_key, signer.secret_key), SERVICE, region).add_auth(request)
    return dict(request.headers.items())
