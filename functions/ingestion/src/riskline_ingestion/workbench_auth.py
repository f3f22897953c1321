"""Who is signed in to the workbench, from the Cognito authorizer's claims — never from the request body.

API Gateway's Cognito user-pool authorizer refuses a missing or invalid token with 401 before the
function runs and passes the verified token's claims under `requestContext.authorizer.claims`, every
value a string (a list claim such as `cognito:groups` arrives as "a,b" or "[a b]"). The function
checks the group: a signed-in user outside it gets 403. No claims at all means the route was reached
without the authorizer (a misconfiguration): 401 too, so nothing is shown.
"""

import re
from dataclasses import dataclass
from typing import Any

from .auditors import Auditor, auditor_of
from .errors import Forbidden, IngestionError

GROUPS_CLAIM = "cognito:groups"
_SEPARATORS = re.compile(r"[,\s]+")


class Unauthorized(IngestionError):
    status, code = 401, "unauthorized"


@dataclass(frozen=True)
class SignedIn:
    auditor: Auditor  # the audit path's own reading of the principal (auditors.auditor_of)
    groups: frozenset[str]

    @property
    def auditor_id(self) -> str:
        return self.auditor.principal


def groups_of(value: Any) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    if isinstance(value, str):
        return frozenset(g for g in _SEPARATORS.split(value.strip().strip("[]")) if g)
    return frozenset()


def claims_of(event: dict[str, Any]) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims")
    return claims if isinstance(claims, dict) else {}


def signed_in_auditor(event: dict[str, Any], group: str) -> SignedIn:
    claims = claims_of(event)
    if not (claims.get("cognito:username") or claims.get("sub")):
        raise Unauthorized("sign in to use the workbench")
    auditor = auditor_of(event.get("requestContext") or {})
    groups = groups_of(claims.get(GROUPS_CLAIM))
    if group not in groups:
        raise Forbidden(f"the workbench is for members of the '{group}' group")
    return SignedIn(auditor=auditor, groups=groups)
