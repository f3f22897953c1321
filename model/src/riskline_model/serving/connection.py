"""One keep-alive HTTP/1.1 connection: httptools parses, the stage answers, one write per response.

The stage's work is a few hundred microseconds of CPU, so a request is answered inside the parser's
`on_message_complete` callback, with no task, future or ASGI message in between (these cost more
than the work). Responses go out in request order, pipelined or not, as one `write` of head and
body together, so no Nagle delay can split them.
"""

import asyncio

import httptools

from .app import StageApp
from .protocol import MAX_PAYLOAD_BYTES

REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 405: b"Method Not Allowed", 406: b"Not Acceptable"}
REASONS |= {413: b"Payload Too Large", 415: b"Unsupported Media Type", 500: b"Internal Server Error"}


class Connections:
    """The worker's open connections, so a shutdown can close the idle ones and wait for the rest."""

    def __init__(self) -> None:
        self.open: set[Connection] = set()
        self.closing = False

    def close_idle(self) -> None:
        self.closing = True
        for conn in list(self.open):
            if not conn.busy:
                conn.transport.close()


class Connection(asyncio.Protocol):
    def __init__(self, app: StageApp, connections: Connections, keep_alive: float) -> None:
        self.app = app
        self.connections = connections
        self.keep_alive = keep_alive
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport
        self.idle: asyncio.TimerHandle | None = None
        self.busy = False  # inside a request: bytes of it arrived, its answer not yet written
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.content_type: str | None = None
        self.accept: str | None = None
        self.chunks: list[bytes] = []
        self.size = 0

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  (uvloop's TCP transport)
        self.connections.open.add(self)
        self._arm_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.open.discard(self)
        if self.idle is not None:
            self.idle.cancel()

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._write(400, b'{"error": "protocol upgrades are not supported"}', b"application/json", False)
        except httptools.HttpParserError:
            self._write(400, b'{"error": "malformed HTTP request"}', b"application/json", False)

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.busy = True
        self._reset()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-type":
            self.content_type = value.decode("latin-1")
        elif name == b"accept":
            self.accept = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size <= MAX_PAYLOAD_BYTES:
            self.chunks.append(body)

    def on_message_complete(self) -> None:
        path = self.url.split(b"?", 1)[0]
        method = self.parser.get_method()
        if self.size > MAX_PAYLOAD_BYTES:
            status, out, out_type = self.app.too_large()
        else:
            body = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
            status, out, out_type = self.app.respond(method, path, self.content_type, self.accept, body)
        keep = self.parser.should_keep_alive() and not self.connections.closing
        self._write(status, out, out_type, keep)
        self.busy = False
        self._reset()

    def _write(self, status: int, body: bytes, content_type: bytes, keep: bool) -> None:
        head = b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %d\r\n" % (
            status,
            REASONS.get(status, b"Error"),
            content_type,
            len(body),
        )
        self.transport.write(head + (b"\r\n" if keep else b"connection: close\r\n\r\n") + body)
        if keep:
            self._arm_idle()
        else:
            self.transport.close()

    def _arm_idle(self) -> None:
        # A keep-alive connection idle for longer than the front end keeps its own is closed.
        if self.idle is not None:
            self.idle.cancel()
        self.idle = asyncio.get_running_loop().call_later(self.keep_alive, self.transport.close)
