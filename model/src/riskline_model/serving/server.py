"""Start the HTTP server for one stage: httptools on uvloop, a worker process per CPU.

Settings from the environment, as SageMaker passes them:
    RISKLINE_STAGE                   preprocess | xgboost
    SAGEMAKER_BIND_TO_PORT           port (else 8080)
    RISKLINE_MODEL_DIR               unpacked model artifact (else /opt/ml/model)
    SAGEMAKER_MODEL_SERVER_WORKERS   worker processes (else one per CPU)
    RISKLINE_BIND_HOST               interface (else 0.0.0.0; tests and the local stack use 127.0.0.1)

The supervisor binds the port, then forks the workers, and only they load the model: connections
are accepted (queued) at once. Each worker serves the shared socket with its own event loop
(`connection.py`). SIGTERM: the supervisor passes it on, each worker stops accepting, closes idle
connections, finishes the requests in flight and exits 0; a worker that dies otherwise takes the
others down with it and the supervisor exits with its code, so the container is restarted.
"""

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time

KEEP_ALIVE_SECONDS = 75  # longer than the 60 s idle timeout SageMaker's front end keeps connections for
GRACEFUL_SHUTDOWN_SECONDS = 25  # SageMaker sends SIGKILL 30 s after SIGTERM
BACKLOG = 1024


def settings() -> dict[str, object]:
    stage = os.environ.get("RISKLINE_STAGE", "")
    if stage not in ("preprocess", "xgboost"):
        raise SystemExit(f"RISKLINE_STAGE must be preprocess or xgboost, not {stage!r}")
    return {
        "host": os.environ.get("RISKLINE_BIND_HOST", "0.0.0.0"),
        "port": int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080")),
        "workers": int(os.environ.get("SAGEMAKER_MODEL_SERVER_WORKERS", "0")) or os.cpu_count() or 1,
    }


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit TCP_NODELAY: an answer is never held back for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def run_worker(sock: socket.socket) -> None:
    """Load the stage, then serve `sock` until SIGTERM; exit 0 once drained."""
    # A SIGTERM while the model loads (the whole process group gets it) still means "drain and exit 0".
    early: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: early.append(signum))
    import uvloop  # workers only: the supervisor stays small

    from .app import create_app
    from .connection import Connection, Connections

    try:
        app = create_app()
    except (ValueError, FileNotFoundError) as exc:
        print(f"stage failed to load: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(3) from None
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    connections = Connections()
    server = loop.run_until_complete(
        loop.create_server(lambda: Connection(app, connections, KEEP_ALIVE_SECONDS), sock=sock, backlog=BACKLOG)
    )
    stopping = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    loop.add_signal_handler(signal.SIGINT, stopping.set)
    if early:
        stopping.set()

    async def drain() -> None:
        await stopping.wait()
        server.close()
        connections.close_idle()
        deadline = time.monotonic() + GRACEFUL_SHUTDOWN_SECONDS
        while connections.open and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            connections.close_idle()

    loop.run_until_complete(drain())
    loop.close()


def supervise(sock: socket.socket, workers: int) -> int:
    children: set[int] = set()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        # A group-wide SIGTERM reaches the workers too, so one may already be gone.
        for child in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    # Installed before the first fork, so no SIGTERM finds the supervisor without it.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                run_worker(sock)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            sys.stderr.flush()
            os._exit(code)
        children.add(pid)
    sock.close()
    status = 0
    while children:
        pid, wait_status = os.wait()
        children.discard(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        if code != 0 or not stopping:  # a worker died on its own: the stage cannot serve
            status = status or (code if code > 0 else 1)
            if not stopping:
                stop(signal.SIGTERM, None)
    return status


def serve() -> None:
    conf = settings()
    sock = bind(str(conf["host"]), int(conf["port"]))  # type: ignore[call-overload]
    workers = int(conf["workers"])  # type: ignore[call-overload]
    if workers == 1:
        run_worker(sock)
        return
    raise SystemExit(supervise(sock, workers))
