"""The workbench page in the local stack: what CloudFront does in AWS, on loopback.

Serves the files of `workbench/` with the same security headers as the CloudFront response
headers policy (the local sign-in's token URL is this origin, so `connect-src 'self'` suffices),
a `config.json` naming the local sign-in, the sign-in itself (`POST /signin/token`), and passes
`/workbench/*` to the API Gateway front as CloudFront's second origin does (same origin, no CORS).
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from .apigw import ApiGatewayFront
from .httpfront import Front, Response
from .signin import LocalSignIn

PAGE_DIR = Path(__file__).resolve().parents[3] / "workbench"
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class WorkbenchSite(Front):
    name = "workbench"

    def __init__(self, api: ApiGatewayFront, signin: LocalSignIn, *, page_dir: Path = PAGE_DIR, port: int = 0) -> None:
        super().__init__(port)
        self.api = api
        self.signin = signin
        self.page_dir = page_dir.resolve()

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        if path == "/workbench" or path.startswith("/workbench/"):
            answer = self.api.handle(method, f"/{self.api.stage}{path}", query, headers, body)
            return Response(answer.status, answer.body, {**answer.headers, **SECURITY_HEADERS})
        if path == "/signin/token" and method == "POST":
            return self._with_headers(self._sign_in(body))
        if method not in ("GET", "HEAD"):
            return self._with_headers(Response.json(405, {"message": "Method Not Allowed"}))
        if path == "/config.json":
            config = {"signIn": {"kind": "local", "tokenUrl": "/signin/token"}, "api": "/workbench"}
            return self._with_headers(Response.json(200, config, {"Cache-Control": "no-store"}))
        return self._with_headers(self._file(path))

    def _sign_in(self, body: bytes) -> Response:
        try:
            doc = json.loads(body or b"{}")
            username, password = str(doc["username"]), str(doc["password"])
        except (ValueError, KeyError, TypeError):
            return Response.json(400, {"error": {"message": "send a JSON body with username and password"}})
        token = self.signin.issue(username, password)
        if token is None:
            return Response.json(401, {"error": {"message": "Incorrect user name or password."}})
        return Response.json(200, {"id_token": token, "token_type": "Bearer"}, {"Cache-Control": "no-store"})

    def _file(self, path: str) -> Response:
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (self.page_dir / relative).resolve()
        if not target.is_file() or self.page_dir not in target.parents:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return Response(200, target.read_bytes(), {"Content-Type": kind, "Cache-Control": "no-cache"})

    @staticmethod
    def _with_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response


def summary_line(site: WorkbenchSite | None) -> str:
    """`make demo`'s workbench line: the page and how many applications wait, read through the page's
    own API path with a signed-in auditor (the same checks a browser passes)."""
    import httpx

    if site is None:
        return "auditors' workbench: not deployed (no Cognito-authorized routes)"
    auditor = next((user for user in site.signin.users.values() if user.groups), None)
    token = site.signin.issue(auditor.username, auditor.password) if auditor else None
    response = httpx.get(f"{site.url}/workbench/stats", headers={"Authorization": token or ""}, timeout=30)
    if response.status_code != 200:
        return f"auditors' workbench: {site.url}/ (stats answered {response.status_code})"
    queue = response.json()["queue"]
    return f"auditors' workbench: {site.url}/ — queue size {queue['size']} waiting for an auditor"
