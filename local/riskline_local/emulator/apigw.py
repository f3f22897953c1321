"""An API Gateway (REST API) front: the resources, methods and Lambda proxy integrations Terraform
created in moto, served on loopback as `/{stage}/...`.

Each request is matched to a resource template (`{param}` and greedy `{proxy+}`), its API key is
checked when the method requires one (the key must be enabled and in a usage plan of this API
stage), a method whose authorization type is `AWS_IAM` needs a valid SigV4 signature (`sigv4.py`:
recomputed with botocore's signer against the local credentials; missing, unknown, wrong or expired
is a 403 as API Gateway answers) and its caller reaches the function as `requestContext.identity`
(`userArn`, `caller`, `accessKey`), and the integrated function gets a real v1 proxy event through
the local Lambda runtime.
The function's `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}` becomes the HTTP
answer; a failed or malformed answer is a 502, as API Gateway gives.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from .httpfront import Front, Response
from .lambda_runtime import LambdaRuntime
from .sigv4 import LocalCredentials, SignatureRefused, verify

INTEGRATION_TIMEOUT_S = 29.0
_URI_FUNCTION = re.compile(r"/functions/(.+)/invocations$")


@dataclass(frozen=True)
class Route:
    resource_id: str
    template: str  # e.g. /applications/{application_id}/audit
    method: str  # GET, POST… or ANY
    function: str  # function name or ARN, with its qualifier
    api_key_required: bool
    authorization: str  # NONE, AWS_IAM, COGNITO_USER_POOLS, CUSTOM
    pattern: re.Pattern[str]
    params: tuple[str, ...]
    authorizer_id: str | None = None  # the method's authorizer (COGNITO_USER_POOLS)


class TokenVerifier(Protocol):
    """A Cognito user-pool authorizer: the token's claims as strings, or None for 401."""

    def verify(self, authorization: str | None) -> dict[str, str] | None: ...


def _compile(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    regex, params = "", []
    for segment in template.strip("/").split("/"):
        if not segment:
            continue
        if segment.startswith("{") and segment.endswith("+}"):
            params.append(segment[1:-2])
            regex += r"/(.+)"
        elif segment.startswith("{") and segment.endswith("}"):
            params.append(segment[1:-1])
            regex += r"/([^/]+)"
        else:
            regex += "/" + re.escape(segment)
    return re.compile(f"^{regex or '/'}$"), tuple(params)


def load_routes(apigw: Any, rest_api_id: str) -> list[Route]:
    """Every method with a Lambda proxy integration, most specific templates first."""
    routes = []
    resources = apigw.get_resources(restApiId=rest_api_id, limit=500)["items"]
    for resource in resources:
        for method in resource.get("resourceMethods") or {}:
            detail = apigw.get_method(restApiId=rest_api_id, resourceId=resource["id"], httpMethod=method)
            integration = detail.get("methodIntegration") or {}
            match = _URI_FUNCTION.search(integration.get("uri", ""))
            if integration.get("type") != "AWS_PROXY" or not match:
                continue
            pattern, params = _compile(resource["path"])
            routes.append(
                Route(
                    resource_id=resource["id"],
                    template=resource["path"],
                    method=method,
                    function=urllib.parse.unquote(match.group(1)),
                    api_key_required=bool(detail.get("apiKeyRequired")),
                    authorization=str(detail.get("authorizationType") or "NONE"),
                    pattern=pattern,
                    params=params,
                    authorizer_id=detail.get("authorizerId"),
                )
            )
    # Literal segments beat parameters, parameters beat greedy paths, ANY comes last.
    routes.sort(key=lambda r: ("+}" in r.template, r.template.count("{"), r.method == "ANY", -len(r.template)))
    return routes


def load_api_keys(apigw: Any, rest_api_id: str, stage: str) -> dict[str, str]:
    """Key value → key id, for enabled keys in a usage plan that covers this API stage."""
    plans = [
        plan
        for plan in apigw.get_usage_plans(limit=500)["items"]
        if any(s.get("apiId") == rest_api_id and s.get("stage") == stage for s in plan.get("apiStages", []))
    ]
    planned = {key["id"] for plan in plans for key in apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]}
    keys = apigw.get_api_keys(includeValues=True, limit=500)["items"]
    return {key["value"]: key["id"] for key in keys if key.get("enabled", True) and key["id"] in planned}


class ApiGatewayFront(Front):
    name = "apigateway"

    def __init__(
        self,
        runtime: LambdaRuntime,
        *,
        rest_api_id: str,
        stage: str,
        routes: list[Route],
        api_keys: dict[str, str],
        account_id: str = "123456789012",
        region: str = "us-east-1",
        credentials: LocalCredentials | None = None,
        port: int = 0,
        authorizers: dict[str, TokenVerifier] | None = None,
    ) -> None:
        super().__init__(port)
        self.authorizers = authorizers or {}
        self.runtime = runtime
        self.rest_api_id = rest_api_id
        self.stage = stage
        self.routes = routes
        self.api_keys = api_keys
        self.account_id = account_id
        self.region = region
        # Who may sign AWS_IAM requests: the stack's own key, plus any the caller registers (auditors).
        self.credentials = credentials or LocalCredentials.for_stack(account_id)
        self._lock = threading.Lock()
        self.status_counts: dict[int, int] = {}

    @property
    def base_url(self) -> str:
        return f"{self.url}/{self.stage}"

    def _count(self, response: Response) -> Response:
        with self._lock:
            self.status_counts[response.status] = self.status_counts.get(response.status, 0) + 1
        return response

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        return self._count(self._handle(method, path, query, headers, body))

    def _handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        prefix = f"/{self.stage}"
        if not (path == prefix or path.startswith(prefix + "/")):
            return _gateway_error(403, "Forbidden", "MissingAuthenticationTokenException")
        resource_path = path[len(prefix) :] or "/"
        match = self._match(method, resource_path)
        if match is None:
            return _gateway_error(403, "Missing Authentication Token", "MissingAuthenticationTokenException")
        route, values = match
        api_key = headers.get("x-api-key")
        key_id = self.api_keys.get(api_key or "")
        if route.api_key_required and key_id is None:
            return _gateway_error(403, "Forbidden", "ForbiddenException")
        caller: dict[str, str | None] = {}
        claims: dict[str, str] | None = None
        if route.authorization == "AWS_IAM":
            try:
                signer = verify(method, path, query, headers, body, self.credentials, self.region)
            except SignatureRefused as refused:
                return _gateway_error(403, refused.message, refused.error_type)
            caller = {
                "userArn": signer.principal_arn,
                "caller": signer.user_id,
                "accessKey": signer.access_key,
                "accountId": self.account_id,
                "user": signer.user_id,
            }
        elif route.authorization == "COGNITO_USER_POOLS":
            # As API Gateway's user-pool authorizer: no valid token, no call (401 before the function).
            verifier = self.authorizers.get(route.authorizer_id or "")
            claims = verifier.verify(headers.get("Authorization")) if verifier else None
            if claims is None:
                return _gateway_error(401, "Unauthorized", "UnauthorizedException")
        elif route.authorization not in ("NONE", ""):
            return _gateway_error(500, f"authorization type {route.authorization} is not emulated", "Unsupported")
        event = self._event(method, path, resource_path, query, headers, body, route, values, api_key, key_id)
        event["requestContext"]["identity"].update(caller)
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
        target = self.runtime.resolve(route.function)
        result = self.runtime.invoke(target, json.dumps(event))
        if result.function_error:
            if "Task timed out" in result.payload.decode(errors="replace"):
                return _gateway_error(504, "Endpoint request timed out", "IntegrationTimeout")
            return _gateway_error(502, "Internal server error", "InternalServerErrorException")
        return _proxy_response(result.payload)

    def _match(self, method: str, resource_path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = route.pattern.match(resource_path)
            if found:
                return route, {
                    name: urllib.parse.unquote(v) for name, v in zip(route.params, found.groups(), strict=True)
                }
        return None

    def _event(
        self,
        method: str,
        path: str,
        resource_path: str,
        query: str,
        headers: Any,
        body: bytes,
        route: Route,
        values: dict[str, str],
        api_key: str | None,
        key_id: str | None,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for name, value in headers.items():
            multi_headers.setdefault(name, []).append(value)
        parsed_query = urllib.parse.parse_qs(query, keep_blank_values=True)
        now = datetime.now(UTC)
        request_id = str(uuid.uuid4())
        try:
            text_body: str | None = body.decode() if body else None
            is_base64 = False
        except UnicodeDecodeError:
            text_body, is_base64 = base64.b64encode(body).decode(), True
        return {
            "resource": route.template,
            "path": resource_path,
            "httpMethod": method,
            "headers": {name: values_[-1] for name, values_ in multi_headers.items()},
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in parsed_query.items()} or None,
            "multiValueQueryStringParameters": parsed_query or None,
            "pathParameters": values or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": route.resource_id,
                "resourcePath": route.template,
                "httpMethod": method,
                "extendedRequestId": uuid.uuid4().hex[:16],
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": path,
                "accountId": self.account_id,
                "protocol": "HTTP/1.1",
                "stage": self.stage,
                "domainPrefix": self.rest_api_id,
                "requestTimeEpoch": int(time.time() * 1000),
                "requestId": request_id,
                "identity": {
                    "cognitoIdentityPoolId": None,
                    "accountId": None,
                    "cognitoIdentityId": None,
                    "caller": None,
                    "apiKey": api_key if key_id else None,
                    "apiKeyId": key_id,
                    "sourceIp": "127.0.0.1",
                    "principalOrgId": None,
                    "accessKey": None,
                    "cognitoAuthenticationType": None,
                    "cognitoAuthenticationProvider": None,
                    "userArn": None,
                    "userAgent": headers.get("User-Agent"),
                    "user": None,
                },
                "domainName": f"{self.rest_api_id}.execute-api.us-east-1.amazonaws.com",
                "apiId": self.rest_api_id,
            },
            "body": text_body,
            "isBase64Encoded": is_base64,
        }


def _proxy_response(payload: bytes) -> Response:
    try:
        doc = json.loads(payload)
        status = int(doc["statusCode"])
    except (ValueError, KeyError, TypeError):
        return _gateway_error(502, "Internal server error", "InternalServerErrorException")
    out_headers: dict[str, str] = {}
    for name, values in (doc.get("multiValueHeaders") or {}).items():
        out_headers[name] = ", ".join(str(v) for v in values)
    for name, value in (doc.get("headers") or {}).items():
        out_headers[name] = str(value)
    body = doc.get("body") or ""
    raw = base64.b64decode(body) if doc.get("isBase64Encoded") else str(body).encode()
    out_headers.setdefault("Content-Type", "application/json")
    out_headers["x-amzn-RequestId"] = str(uuid.uuid4())
    return Response(status, raw, out_headers)


def _gateway_error(status: int, message: str, error_type: str) -> Response:
    return Response.json(status, {"message": message}, {"x-amzn-ErrorType": error_type})
