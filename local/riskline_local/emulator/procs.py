"""Small process and network helpers shared by every local server: free ports, waits, child processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
LOOPBACK = "127.0.0.1"


class ChildExited(RuntimeError):
    """A child process died while something waited for it: never ready, so waiting on only hides why."""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll `condition` until it returns a truthy value; TimeoutError naming `what` past the deadline.

    Errors raised by `condition` count as "not yet" (a server still starting refuses connections),
    except `ChildExited`, which propagates at once with the child's own reason.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except ChildExited:
            raise
        except Exception as exc:  # a server still starting answers with connection errors
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(interval)


def port_open(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


class Child:
    """One child process in its own process group, output appended to a log file, stopped on request."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Child:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_alive(self) -> None:
        """Raise `ChildExited` with the exit status and the log's tail once the process has ended."""
        if self.proc is None or self.proc.poll() is None:
            return
        code = self.proc.returncode
        status = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        raise ChildExited(f"{self.name} exited during start-up ({status}); log {self.log_path}:\n{self.log_tail()}")

    def wait_ready(self, probe: Callable[[], T | None], *, timeout: float, what: str | None = None) -> T:
        """Poll `probe` until it is truthy; fails at once with the child's reason if the child dies first."""

        def ready() -> T | None:
            self.ensure_alive()
            return probe()

        return wait_until(ready, timeout=timeout, what=what or self.name)

    def kill(self) -> None:
        """SIGKILL at once (a crash, as the fault injector wants it)."""
        if self.alive():
            assert self.proc is not None
            _signal_group(self.proc, signal.SIGKILL)
            self.proc.wait()

    def stop(self, grace: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds, like a container runtime; the exit status."""
        if self.proc is None:
            return None
        if self.alive():
            _signal_group(self.proc, signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
