"""Start the HTTP server for one stage: uvicorn (httptools parser, asyncio loop), a worker per CPU.

Settings from the environment, as SageMaker passes them:
    RISKLINE_STAGE                   preprocess | xgboost
    SAGEMAKER_BIND_TO_PORT           port (else 8080)
    RISKLINE_MODEL_DIR               unpacked model artifact (else /opt/ml/model)
    SAGEMAKER_MODEL_SERVER_WORKERS   worker processes (else one per CPU)
    RISKLINE_BIND_HOST               interface (else 0.0.0.0; tests and the local stack use 127.0.0.1)

With several workers the supervisor binds the port before any worker loads the model, so
connections are accepted at once; SIGTERM drains in-flight requests, then exits.
"""

import os
import signal
import socket

APP = "riskline_model.serving.app:create_app"
KEEP_ALIVE_SECONDS = 75  # longer than the 60 s idle timeout SageMaker's front end keeps connections for
GRACEFUL_SHUTDOWN_SECONDS = 25  # SageMaker sends SIGKILL 30 s after SIGTERM


def settings() -> dict[str, object]:
    stage = os.environ.get("RISKLINE_STAGE", "")
    if stage not in ("preprocess", "xgboost"):
        raise SystemExit(f"RISKLINE_STAGE must be preprocess or xgboost, not {stage!r}")
    return {
        "host": os.environ.get("RISKLINE_BIND_HOST", "0.0.0.0"),
        "port": int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080")),
        "workers": int(os.environ.get("SAGEMAKER_MODEL_SERVER_WORKERS", "0")) or os.cpu_count() or 1,
    }


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve() -> None:
    import uvicorn  # the supervisor imports only the server; workers load xgboost and the model

    conf = settings()
    config = uvicorn.Config(
        APP,
        factory=True,
        host=str(conf["host"]),
        port=int(conf["port"]),  # type: ignore[call-overload]
        workers=int(conf["workers"]),  # type: ignore[call-overload]
        http="httptools",
        loop="asyncio",
        lifespan="off",
        access_log=False,
        log_level=os.environ.get("RISKLINE_LOG_LEVEL", "info").lower(),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    # Bind first, so connections queue while the model loads (SageMaker wants them accepted at once).
    sock = config.bind_socket()
    # A response goes out as two writes (head, body). Accepted sockets inherit TCP_NODELAY from the
    # listener; without it Nagle holds the body back until the client's delayed ACK (~40 ms). uvicorn
    # sets it per connection only for sockets it creates itself, not for this shared one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # uvicorn drains in-flight requests on SIGTERM, then re-raises the signal with the handler it
    # found at start-up: make that handler a clean exit, since a drained shutdown is not a failure.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    if config.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
