"""Who is recording an audit decision: the principal API Gateway authenticated, never the body.

- `AWS_IAM` routes (SigV4): `requestContext.identity.userArn` (IAM user or assumed-role ARN), else
  `requestContext.identity.caller`.
- A Cognito user pool authorizer: `requestContext.authorizer.claims` — `cognito:username`, else `sub`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import Forbidden


@dataclass(frozen=True)
class Auditor:
    principal: str
    source: Literal["iam", "cognito"]


def auditor_of(request_context: Mapping[str, Any]) -> Auditor:
    claims = (request_context.get("authorizer") or {}).get("claims") or {}
    if isinstance(claims, Mapping):
        who = claims.get("cognito:username") or claims.get("sub")
        if isinstance(who, str) and who.strip():
            return Auditor(who.strip(), "cognito")
    identity = request_context.get("identity") or {}
    for name in ("userArn", "caller"):
        who = identity.get(name)
        if isinstance(who, str) and who.strip():
            return Auditor(who.strip(), "iam")
    raise Forbidden("an audit decision needs an authenticated auditor (IAM signature or Cognito sign-in)")
