"""EventBridge Scheduler, as it runs the stack's schedules: every enabled `rate(...)` schedule whose
target is a Lambda function is invoked asynchronously with its target's input, once per period,
the first run one period after the stack starts (as a new schedule does).

moto stores the schedules terraform creates but never fires them; without this the scheduled
warehouse loader and the drift monitor would never run on the local stack. `cron(...)` and `at(...)`
expressions are logged and left alone: the stack declares only rates.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .background import BackgroundLoop
from .lambda_runtime import LambdaRuntime

log = logging.getLogger("riskline.scheduler")

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """Seconds between runs of a `rate(N unit)` expression; None for any other kind."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2).removesuffix("s")
    if count <= 0:
        raise ValueError(f"schedule expression {expression!r}: the rate must be positive")
    return count * _UNIT_S[unit]


@dataclass(frozen=True)
class Schedule:
    name: str
    period_s: float
    target_arn: str
    payload: bytes


def discover(scheduler_client: Any) -> list[Schedule]:
    """The enabled rate schedules with a Lambda target, from every schedule group."""
    found = []
    for page in scheduler_client.get_paginator("list_schedules").paginate():
        for summary in page["Schedules"]:
            detail = scheduler_client.get_schedule(Name=summary["Name"], GroupName=summary.get("GroupName", "default"))
            target = detail.get("Target") or {}
            if detail.get("State", "ENABLED") != "ENABLED" or ":lambda:" not in target.get("Arn", ""):
                continue
            expression = detail["ScheduleExpression"]
            period = rate_seconds(expression)
            if period is None:
                log.warning("schedule %s: %s is not run locally (rates only)", detail["Name"], expression)
                continue
            found.append(Schedule(detail["Name"], period, target["Arn"], (target.get("Input") or "{}").encode()))
    return found


class ScheduleRunner(BackgroundLoop):
    thread_name = "schedule-runner"

    def __init__(
        self,
        *,
        schedules: list[Schedule],
        runtime: LambdaRuntime,
        clock: Callable[[], float] = time.monotonic,
        tick_s: float = 1.0,
    ) -> None:
        super().__init__()
        self.schedules = schedules
        self.runtime = runtime
        self._clock = clock
        self._tick_s = tick_s
        self._next: dict[str, float] = {}
        self.runs: dict[str, int] = {s.name: 0 for s in schedules}

    def fire_due(self) -> list[str]:
        """Invoke every schedule whose time has come; the names fired. A run missed by more than one
        period fires once (Scheduler does not replay missed runs)."""
        now = self._clock()
        fired = []
        for schedule in self.schedules:
            due = self._next.setdefault(schedule.name, now + schedule.period_s)
            if now < due:
                continue
            self.runtime.invoke_async(self.runtime.resolve(schedule.target_arn), schedule.payload)
            self.runs[schedule.name] += 1
            following = due + schedule.period_s
            while following <= now:
                following += schedule.period_s
            self._next[schedule.name] = following
            fired.append(schedule.name)
        return fired

    def _run(self) -> None:
        while not self._stop.wait(self._tick_s):
            try:
                for name in self.fire_due():
                    log.info("schedule %s fired", name)
            except Exception:
                log.exception("schedule runner error; retrying")
