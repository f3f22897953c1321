"""Fixtures for the local stack's tests: a moto server child process and boto3 clients pointed at it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from riskline_local.emulator.procs import Child, free_port, port_open

ROOT = Path(__file__).resolve().parents[2]


class MotoServer:
    def __init__(self, tmp: Path, lambda_endpoint: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.child = Child(
            "moto",
            [
                sys.executable,
                "-m",
                "riskline_local.emulator.motoserver",
                "--port",
                str(self.port),
                "--lambda-endpoint",
                lambda_endpoint,
            ],
            env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "local")},
            log_path=tmp / "moto.log",
        )

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1")


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    tmp = tmp_path_factory.mktemp("moto")
    lambda_port = free_port()
    server = MotoServer(tmp, f"http://127.0.0.1:{lambda_port}")
    server.lambda_port = lambda_port  # type: ignore[attr-defined]
    server.child.start()
    try:
        server.child.wait_ready(lambda: port_open(server.port), timeout=30, what="moto server")
        yield server
    finally:
        server.child.stop()
