"""SageMaker's serial inference pipeline from the caller's side: the containers are called in order,
each answer (with its content type) is the next request, and the caller's Accept reaches only the
last container. The SageMaker runtime front and the serving tests chain stages with it.
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .procs import LOOPBACK


class Answer(NamedTuple):
    status: int
    content_type: str
    body: bytes
    container: int | None  # index of the container that answered an error, None when every one succeeded


class ContainerUnreachable(Exception):
    """Container `index` could not be reached (refused, reset, timed out)."""

    def __init__(self, index: int, cause: BaseException) -> None:
        super().__init__(f"container {index} unreachable: {type(cause).__name__}")
        self.index = index
        self.cause = cause


class PipelineClient:
    """Keep-alive connections, one per container; one caller at a time (give each thread its own)."""

    def __init__(self, ports: Sequence[int], timeout_s: float = 30.0, host: str = LOOPBACK) -> None:
        self._conns = [http.client.HTTPConnection(host, port, timeout=timeout_s) for port in ports]

    def invoke(self, body: bytes, content_type: str, accept: str = "application/json") -> tuple[int, str, bytes]:
        """(status, content type, body) of the last container, or of the first one that failed."""
        return self.call(body, content_type, accept)[:3]

    def call(
        self, body: bytes, content_type: str, accept: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Answer:
        """As `invoke`, naming the failing container; `headers` go to every container."""
        for index, conn in enumerate(self._conns):
            request_headers = {**(headers or {}), "Content-Type": content_type}
            if accept and index == len(self._conns) - 1:
                request_headers["Accept"] = accept
            try:
                status, content_type, body = _post(conn, body, request_headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # the next call reconnects (a restarted container listens on the same port)
                raise ContainerUnreachable(index, exc) from exc
            if status >= 300:
                return Answer(status, content_type, body, index)
        return Answer(status, content_type, body, None)

    def close(self) -> None:
        for conn in self._conns:
            conn.close()


def _post(conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
    for attempt in (1, 2):
        try:
            conn.request("POST", "/invocations", body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type", "application/octet-stream"), response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()  # the server closed an idle keep-alive connection: reconnect once
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
