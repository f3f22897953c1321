"""boto3 clients, one policy for every function: created on first use, once per execution environment.

Why lazy: `import boto3` and a client's creation cost about as much as the rest of a handler's import,
and a path that never calls a service (a GET never scores, a loader run with nothing new never touches
Redshift) should not pay for its client. The cost is not saved on a path that does call it, only moved
from init to the first request; `make bench-coldstart` times both halves. Endpoints come from the
environment alone (boto3's own AWS_ENDPOINT_URL_* variables redirect them to the local stack).
"""

from __future__ import annotations

import functools
import threading
from typing import Any


@functools.cache
def client(
    service: str,
    *,
    connect_timeout_s: float | None = None,
    read_timeout_s: float | None = None,
    max_attempts: int | None = None,
) -> Any:
    """The execution environment's one client for `service` with these settings.

    `max_attempts` counts the first try (1 = botocore retries off: the caller's own retry, a queue
    or a redelivery, is the retry). Unset values keep botocore's defaults.
    """
    import boto3

    options: dict[str, Any] = {}
    if connect_timeout_s is not None:
        options["connect_timeout"] = connect_timeout_s
    if read_timeout_s is not None:
        options["read_timeout"] = read_timeout_s
    if max_attempts is not None:
        options["retries"] = {"mode": "standard", "total_max_attempts": max_attempts}
    if not options:
        return boto3.client(service)
    from botocore.config import Config

    return boto3.client(service, config=Config(**options))


class LazyClient:
    """Stands where a client is wired at import; the client itself is made on the first attribute read."""

    def __init__(self, service: str, **settings: Any) -> None:
        self._service = service
        self._settings = settings
        self._client: Any = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = client(self._service, **self._settings)
        return getattr(self._client, name)

    def __repr__(self) -> str:
        state = "created" if self._client is not None else "not created yet"
        return f"LazyClient({self._service!r}, {state})"


def lazy(service: str, **settings: Any) -> LazyClient:
    """A client for `service` (settings as `client`) created when first used."""
    return LazyClient(service, **settings)
