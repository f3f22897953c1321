"""End-to-end benchmark through the local stack's API (not a test): sustained load for a bounded time
at a few concurrencies.

For each concurrency: applications/s accepted, API latency p50/p99 as the client sees it, the
stream lag (record creation → delivered to the routing function) and, from the same run, the
endpoint's own latency (both pipeline containers) as the baseline the API latency is compared with.
After the last phase the stores are reconciled. The last line:

    e2e: rps=… p50_ms=… p99_ms=… endpoint_p50_ms=… lost=0

(at the highest concurrency). Run with `make bench-e2e` (BENCH_SECONDS, BENCH_CONCURRENCY).
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

from riskline_local.demo.driver import Driver, Sent
from riskline_local.demo.reconcile import read_stores, reconcile
from riskline_local.demo.report import percentile
from riskline_local.demo.workload import build_workload
from riskline_local.emulator.procs import wait_until
from riskline_local.emulator.stack import ROOT, LocalStack, StackOptions
from riskline_schema import Channel


def phase(driver: Driver, stack: LocalStack, workload: list, start: int, seconds: float, concurrency: int):
    """Send webform/mobile submissions from `concurrency` threads for `seconds`; returns what was sent."""
    assert stack.sagemaker is not None and stack.stream_poller is not None
    rest = [s for s in workload[start:] if s.channel in (Channel.WEBFORM, Channel.MOBILE)]
    cursor = iter(rest)
    lock = threading.Lock()
    sents: list[Sent] = []
    endpoint_mark = len(stack.sagemaker.model_latencies_ms)
    lag_mark = len(stack.stream_poller.lag_ms)
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                submission = next(cursor, None)
            if submission is None:
                return
            sent = Sent(submission)
            started = time.perf_counter()
            driver._rest(sent)
            sent.latency_ms = (time.perf_counter() - started) * 1000
            with lock:
                sents.append(sent)

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    wait_until(stack.pollers_idle, timeout=120, interval=0.2, what="the stream to catch up")
    accepted = [s for s in sents if s.accepted]
    latencies = [s.latency_ms for s in accepted if s.latency_ms is not None]
    return {
        "sents": sents,
        "rps": len(accepted) / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "endpoint_p50": percentile(stack.sagemaker.model_latencies_ms[endpoint_mark:], 50),
        "lag_p50": percentile(stack.stream_poller.lag_ms[lag_mark:], 50),
        "lag_p99": percentile(stack.stream_poller.lag_ms[lag_mark:], 99),
        "used": len(sents),
        "consumed": rest.index(sents[-1].submission) + 1 if sents else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-e2e")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=args.out / "bench.log", level=logging.INFO, force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    options = StackOptions(work_dir=args.out / "stack", concurrency=max(args.concurrency), destroy_on_exit=False)
    with LocalStack(options) as stack:
        workload = build_workload(20000, seed=99)
        rest = [s for s in workload if s.channel in (Channel.WEBFORM, Channel.MOBILE)]
        driver = Driver(stack, concurrency=max(args.concurrency))
        all_sents: list[Sent] = []
        results = []
        offset = 0
        try:
            print(f"{'concurrency':>11} {'app/s':>8} {'api p50':>9} {'api p99':>9} {'endpoint p50':>13} "
                  f"{'api/endpoint':>13} {'lag p50':>9} {'lag p99':>9}")  # fmt: skip
            for concurrency in args.concurrency:
                result = phase(driver, stack, rest, offset, args.seconds, concurrency)
                offset += result["consumed"]
                all_sents += result["sents"]
                results.append((concurrency, result))
                ratio = result["p50"] / result["endpoint_p50"] if result["endpoint_p50"] else float("nan")
                print(
                    f"{concurrency:>11} {result['rps']:>8.1f} {result['p50']:>8.1f}ms {result['p99']:>8.1f}ms "
                    f"{result['endpoint_p50']:>11.1f}ms {ratio:>12.1f}x {result['lag_p50']:>8.0f}ms "
                    f"{result['lag_p99']:>8.0f}ms",
                    flush=True,
                )
            outcome = None

            def settled() -> bool:
                nonlocal outcome
                outcome = reconcile(all_sents, read_stores(stack))
                return outcome.settled

            try:
                wait_until(settled, timeout=300, interval=1.0, what="the stores to settle")
            except TimeoutError as exc:
                print(exc, file=sys.stderr)
        finally:
            driver.close()
    assert outcome is not None
    print(outcome.line)
    concurrency, last = results[-1]
    print(
        f"e2e: rps={last['rps']:.1f} p50_ms={last['p50']:.1f} p99_ms={last['p99']:.1f} "
        f"endpoint_p50_ms={last['endpoint_p50']:.1f} lost={outcome.lost}"
    )
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
