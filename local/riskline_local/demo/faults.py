"""Faults on demand (DEMO_FAULTS=1), injected by the stack while the demo sends, keyed to its progress:

- the pipeline's `xgboost` stage is killed (SIGKILL) and restarted a little later;
- the endpoint answers slower than the etl's per-attempt timeout for a while;
- a warehouse outage: the DuckDB file is held locked for longer than the routing function waits;
- the routing function's environment crashes on the first delivery of every stream batch that
  holds a chosen application (about one in `crash_one_in`): the batch is retried.

Each fault is logged with the time it started and ended, and listed in the summary.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..emulator.stack import LocalStack

log = logging.getLogger("riskline.faults")


@dataclass
class FaultEvent:
    name: str
    started_s: float
    ended_s: float | None = None
    detail: str = ""


@dataclass
class FaultPlan:
    kill_stage_at: float = 0.15
    restart_stage_at: float = 0.25
    slow_endpoint_at: float = 0.40
    fast_endpoint_at: float = 0.44
    warehouse_outage_at: float = 0.60
    warehouse_outage_s: float = 15.0
    crash_one_in: int = 15
    stage: str = "xgboost"


@dataclass
class FaultInjector:
    stack: LocalStack
    plan: FaultPlan = field(default_factory=FaultPlan)
    events: list[FaultEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._t0 = time.monotonic()
        self._done: set[str] = set()
        self._lock = threading.Lock()
        self._crashed_batches: set[str] = set()
        self._routing = self.stack.outputs.function_names["routing"] if self.stack.outputs else ""
        self._threads: list[threading.Thread] = []
        self.crashes = 0

    def _now(self) -> float:
        return time.monotonic() - self._t0

    def arm(self) -> None:
        """Install the stream-handler crash; the timed faults follow `on_progress`."""
        assert self.stack.runtime is not None
        self.stack.runtime.crash_hook = self._crash
        self.events.append(FaultEvent("routing environment crashes on chosen stream batches", self._now()))

    def disarm(self) -> None:
        if self.stack.runtime is not None:
            self.stack.runtime.crash_hook = None
        for event in self.events:
            if event.ended_s is None:
                event.ended_s = self._now()
        for thread in self._threads:
            thread.join()

    def _crash(self, function: str, event: Any) -> bool:
        if function != self._routing or not isinstance(event, dict):
            return False
        records = event.get("Records") or []
        chosen = [r for r in records if _chosen(r, self.plan.crash_one_in)]
        if not chosen:
            return False
        batch_id = records[0].get("dynamodb", {}).get("SequenceNumber", "")
        with self._lock:
            if batch_id in self._crashed_batches:
                return False  # only the first delivery crashes: the retry goes through
            self._crashed_batches.add(batch_id)
            self.crashes += 1
        return True

    def on_progress(self, share: float) -> None:
        p = self.plan
        self._once(share >= p.kill_stage_at, "kill", self._kill_stage)
        self._once(share >= p.restart_stage_at, "restart", self._restart_stage)
        self._once(share >= p.slow_endpoint_at, "slow", self._slow_endpoint)
        self._once(share >= p.fast_endpoint_at, "fast", self._fast_endpoint)
        self._once(share >= p.warehouse_outage_at, "warehouse", self._warehouse_outage)

    def _once(self, due: bool, name: str, action: Any) -> None:
        with self._lock:
            if not due or name in self._done:
                return
            self._done.add(name)
        action()

    # -- the faults ------------------------------------------------------------------------------

    def _kill_stage(self) -> None:
        assert self.stack.stages is not None
        self.stack.stages.kill(self.plan.stage)
        self.events.append(FaultEvent(f"endpoint stage '{self.plan.stage}' killed", self._now()))
        log.warning("fault: killed stage %s", self.plan.stage)

    def _restart_stage(self) -> None:
        assert self.stack.stages is not None
        self._done.add("kill")
        self.stack.stages.restart(self.plan.stage)
        for event in self.events:
            if event.name.startswith("endpoint stage") and event.ended_s is None:
                event.ended_s = self._now()
                event.detail = "restarted"
        log.warning("fault: restarted stage %s", self.plan.stage)

    def _slow_endpoint(self) -> None:
        assert self.stack.sagemaker is not None and self.stack.runtime is not None and self.stack.outputs
        etl = self.stack.runtime.pool(self.stack.outputs.function_names["etl_sync"]).spec
        timeout_ms = int(etl.environment.get("ENDPOINT_TIMEOUT_MS", "1500"))
        delay = timeout_ms * 1.5 / 1000
        self.stack.sagemaker.extra_latency_s = delay
        self.events.append(
            FaultEvent("endpoint latency beyond the etl timeout", self._now(), detail=f"+{delay:.2f} s per call")
        )

    def _fast_endpoint(self) -> None:
        assert self.stack.sagemaker is not None
        self.stack.sagemaker.extra_latency_s = 0.0
        for event in self.events:
            if event.name.startswith("endpoint latency") and event.ended_s is None:
                event.ended_s = self._now()

    def _warehouse_outage(self) -> None:
        import duckdb

        detail = f"{self.plan.warehouse_outage_s:.0f} s"
        outage = FaultEvent("warehouse outage (DuckDB file locked)", self._now(), detail=detail)
        self.events.append(outage)
        ready = threading.Event()

        def hold() -> None:
            con = None
            try:
                deadline = time.monotonic() + 30
                while con is None and time.monotonic() < deadline:
                    try:
                        con = duckdb.connect(str(self.stack.warehouse_path))
                    except duckdb.IOException:
                        time.sleep(0.05)  # routing holds it for one upsert at a time
                ready.set()
                time.sleep(self.plan.warehouse_outage_s)
            finally:
                if con is not None:
                    con.close()
                outage.ended_s = self._now()
                ready.set()

        thread = threading.Thread(target=hold, name="warehouse-outage", daemon=True)
        thread.start()
        self._threads.append(thread)
        ready.wait(35)

    def summary(self) -> list[str]:
        lines = []
        for event in self.events:
            end = f"{event.ended_s:6.1f}s" if event.ended_s is not None else "   ...."
            detail = f" ({event.detail})" if event.detail else ""
            lines.append(f"  {event.started_s:6.1f}s → {end}  {event.name}{detail}")
        lines.append(f"  routing environments crashed: {self.crashes} batch deliveries (each retried)")
        return lines


def _chosen(record: dict[str, Any], one_in: int) -> bool:
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    application_id = (keys.get("application_id") or {}).get("S", "")
    digest = hashlib.sha256(application_id.encode()).digest()
    return digest[0] % one_in == 0
