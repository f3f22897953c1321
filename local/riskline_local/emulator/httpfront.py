"""A threaded loopback HTTP server base for the local fronts (API Gateway, Lambda, SageMaker runtime)."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .procs import LOOPBACK

log = logging.getLogger("riskline.local")


class Response:
    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}

    @classmethod
    def json(cls, status: int, doc: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(status, json.dumps(doc).encode(), {"Content-Type": "application/json", **(headers or {})})


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (its read timeout) is normal here: no traceback for a closed connection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        log.exception("error serving %s", client_address)


class Front:
    """Subclasses implement `handle(method, path, query, headers, body) -> Response`."""

    name = "front"

    def __init__(self, port: int = 0) -> None:
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                try:
                    response = front.handle(self.command, path, query, self.headers, body)
                except Exception:
                    log.exception("%s: unhandled error on %s %s", front.name, self.command, path)
                    response = Response.json(500, {"message": "Internal server error"})
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _QuietServer((LOOPBACK, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
