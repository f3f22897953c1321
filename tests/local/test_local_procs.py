"""Child processes of the local stack: a child that dies while it is awaited fails the wait at once,
with its own reason, instead of a timeout that names nothing."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from riskline_local.emulator.procs import Child, ChildExited, free_port, port_open, wait_until
from riskline_local.emulator.stages import StageProcess, StageSpec

# Far longer than any failure below takes to show: a regression surfaces as TimeoutError, not as a pass.
DEADLINE_S = 30.0


def _sleeper(tmp_path: Path) -> Child:
    code = "import time; print('starting up', flush=True); time.sleep(60)"
    return Child("sleeper", [sys.executable, "-c", code], env=dict(os.environ), log_path=tmp_path / "sleeper.log")


def test_a_child_killed_at_start_up_fails_the_wait_with_its_exit_and_log(tmp_path: Path) -> None:
    child = _sleeper(tmp_path).start()
    wait_until(lambda: "starting up" in child.log_tail(), timeout=DEADLINE_S, what="the child's first line")
    assert child.pid is not None
    killer = threading.Thread(target=os.killpg, args=(child.pid, signal.SIGKILL))
    try:
        killer.start()
        with pytest.raises(ChildExited) as raised:
            child.wait_ready(lambda: port_open(free_port()), timeout=DEADLINE_S, what="a port nobody opens")
    finally:
        killer.join()
        child.stop()
    message = str(raised.value)
    assert "sleeper exited during start-up (killed by signal 9)" in message
    assert "starting up" in message  # the log's tail travels with the error


def test_wait_until_lets_a_dead_child_through_but_retries_other_errors(tmp_path: Path) -> None:
    calls = []

    def flaky() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError("still starting")
        return True

    assert wait_until(flaky, timeout=DEADLINE_S, interval=0.01) is True

    def dead() -> bool:
        raise ChildExited("moto exited during start-up (exit status 1)")

    with pytest.raises(ChildExited, match="exit status 1"):
        wait_until(dead, timeout=DEADLINE_S)


def test_a_stage_that_crashes_at_start_up_reports_why(tmp_path: Path) -> None:
    spec = StageSpec(name="xgboost", environment={"RISKLINE_STAGE": "gbm"}, model_dir=tmp_path / "model")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAGEMAKER_", "RISKLINE_"))}
    stage = StageProcess(spec, log_dir=tmp_path, base_env=base_env)
    try:
        with pytest.raises(ChildExited) as raised:
            stage.start(timeout=DEADLINE_S)
    finally:
        stage.stop()
    assert "stage-xgboost exited during start-up (exit status 1)" in str(raised.value)
    assert "RISKLINE_STAGE must be preprocess or xgboost, not 'gbm'" in str(raised.value)
