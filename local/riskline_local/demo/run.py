"""`make demo`: the whole flow on one machine, reconciled.

Starts the local stack (moto + `terraform apply` of terraform/envs/local + the serving stages + the
Lambda runtime), replays seeded synthetic applications through all five channels' native entry
points, posts auditor decisions for a sample, waits for the stream to drain, prints the summary and
writes an HTML report, then turns the learning loop once on the lake it just filled (training set,
challenger, gate against the serving model, registry, drift report); the last line is the
reconciliation counted from DynamoDB, the lake and the warehouse. Exit status 1 if anything was lost
or duplicated, 2 if the stack could not start.

Environment: DEMO_APPLICATIONS (2000), DEMO_CONCURRENCY (4), DEMO_FAULTS (0/1), DEMO_SEED (2026),
DEMO_DRIFT (0/1: a second wave of DEMO_APPLICATIONS/2 from a shifted population, which the loop's
drift report must flag).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..emulator.procs import wait_until
from ..emulator.stack import ROOT, LocalStack, StackOptions
from ..emulator.terraform import TerraformMissing, terraform_binary
from ..emulator.workbench import summary_line as workbench_summary
from .drift_wave import shifted_wave
from .driver import Driver, Sent
from .faults import FaultInjector
from .loop_turn import demo_loop_turn
from .reconcile import Reconciliation, Snapshot, attach_ids, lake_prefix, read_stores, reconcile
from .report import DemoSummary, run_analytics
from .workload import build_workload


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m riskline_local.demo.run", description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=_env_int("DEMO_APPLICATIONS", 2000))
    parser.add_argument("--concurrency", type=int, default=_env_int("DEMO_CONCURRENCY", 4))
    parser.add_argument("--faults", action="store_true", default=os.environ.get("DEMO_FAULTS", "0") not in ("", "0"))
    parser.add_argument("--seed", type=int, default=_env_int("DEMO_SEED", 2026))
    parser.add_argument("--drift", action="store_true", default=os.environ.get("DEMO_DRIFT", "0") not in ("", "0"))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "demo")
    parser.add_argument("--drain-timeout", type=float, default=None, help="seconds to wait for the stores to settle")
    parser.add_argument("--keep", action="store_true", help="skip `terraform destroy` at the end")
    return parser.parse_args(argv)


INVALID_SUBMISSIONS = [
    ("webform", "address state", lambda body: body["applicant"]["address"].update(state="XX")),
    ("webform", "loan term", lambda body: body.update(loan_term_months=7)),
    ("mobile", "missing email", lambda body: body["applicant"].pop("email")),
]


def send_invalid(driver: Driver, workload_sample: list) -> dict[str, int]:
    """A few bad submissions: each must come back 4xx naming the field, and write nothing."""
    from . import payloads

    out: dict[str, int] = {}
    for (channel, _what, spoil), submission in zip(INVALID_SUBMISSIONS, workload_sample, strict=False):
        app = submission.application
        body = payloads.webform_body(app) if channel == "webform" else payloads.mobile_body(app)
        spoil(body)
        answer = driver.http.post(
            f"{driver.stack.api_base_url}/applications", json=body, headers={"x-api-key": driver.keys[channel]}
        )
        out[str(answer.status_code)] = out.get(str(answer.status_code), 0) + 1
    return out


def wait_for_drain(
    stack: LocalStack,
    sents: list[Sent],
    timeout: float,
    say: Callable[[str], None],
    earlier: frozenset[str] = frozenset(),
) -> tuple[Reconciliation, Snapshot]:
    last: dict[str, tuple[Reconciliation, Snapshot]] = {}
    started = time.monotonic()
    next_note = 0.0

    def settled() -> bool:
        nonlocal next_note
        snapshot = read_stores(stack)
        result = reconcile(sents, snapshot, earlier)
        last["value"] = (result, snapshot)
        waited = time.monotonic() - started
        if waited >= next_note:
            say(f"  draining ({waited:4.0f}s): {result.line} stale={result.stale}")
            next_note = waited + 10
        idle = stack.pollers_idle()
        if idle and not result.settled and queue_depths(stack)["routing_failure_queue"]:
            redrive_failed_batches(stack, say)
        if idle and not result.settled:
            load_warehouse(stack, say)  # the scheduled loader's run, without waiting for its schedule
        return result.settled and idle

    try:
        wait_until(settled, timeout=timeout, interval=1.0, what="the stores to settle")
    except TimeoutError as exc:
        say(f"  {exc}")
    return last["value"]


def redrive_failed_batches(stack: LocalStack, say: Callable[[str], None]) -> None:
    """What an operator does when the routing-failure alarm fires: rebuild those batches' lake and
    warehouse rows from DynamoDB (`python -m riskline_routing.redrive --from-queue`), against the stack."""
    from riskline_routing.keys import ApplicantKey
    from riskline_routing.lake import LakeWriter
    from riskline_routing.redrive import Redrive
    from riskline_routing.service import Router
    from riskline_routing.warehouse.duckdb import DuckDBWarehouse

    outputs = stack.outputs
    assert outputs is not None
    redrive = Redrive(
        dynamodb=stack.client("dynamodb"),
        table=outputs["applications_table_name"],
        secret=ApplicantKey(stack.client("secretsmanager"), outputs["applicant_key_secret_arn"]).get(),
        router=Router(
            LakeWriter(stack.client("s3"), outputs["lake_bucket_name"], lake_prefix(stack)),
            DuckDBWarehouse(str(stack.warehouse_path), lock_timeout_s=30),
        ),
        streams=stack.client("dynamodbstreams"),
        sqs=stack.client("sqs"),
    )
    say(f"  routing failure queue not empty: {redrive.from_queue(outputs['routing_failure_queue_url']).line()}")


def load_warehouse(stack: LocalStack, say: Callable[[str], None]) -> None:
    """Run the scheduled warehouse loader once through the local Lambda runtime and wait for it (it
    loads only markers older than its settle delay, 2 s locally; stream mode deploys no loader)."""
    assert stack.outputs is not None and stack.runtime is not None
    loader = (stack.outputs.get("warehouse_loader") or {}).get("function_name")
    if loader:
        result = stack.runtime.invoke(stack.runtime.resolve(loader, "live"), '{"source": "riskline.demo"}')
        answer = result.payload.decode()
        if result.function_error or '"loaded"' in answer:
            say(f"  warehouse load: {'failed ' if result.function_error else ''}{answer[:200]}")


def queue_depths(stack: LocalStack) -> dict[str, int]:
    """Messages left in the scoring DLQ and the stream consumer's on-failure queue (both should be 0)."""
    assert stack.outputs is not None
    sqs = stack.client("sqs")
    out = {}
    for output in ("scoring_dlq_url", "routing_failure_queue_url"):
        attributes = sqs.get_queue_attributes(
            QueueUrl=stack.outputs[output], AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        out[output.removesuffix("_url")] = int(attributes["ApproximateNumberOfMessages"])
    return out


def run(args: argparse.Namespace) -> int:
    say = print
    try:
        terraform_binary()
    except TerraformMissing as exc:
        print(f"make demo needs terraform: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=args.out / "demo.log",
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        force=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per stage call is noise
    started = time.monotonic()
    options = StackOptions(
        work_dir=args.out / "stack",
        concurrency=args.concurrency,
        destroy_on_exit=not args.keep,
        progress=lambda m: say(m),
    )
    drain_timeout = args.drain_timeout or (600.0 if args.faults else 300.0)
    with LocalStack(options) as stack:
        workload = build_workload(args.applications, args.seed)
        driver = Driver(stack, concurrency=args.concurrency)
        try:
            rejected = send_invalid(driver, workload[:3])
            faults = FaultInjector(stack) if args.faults else None
            if faults:
                faults.arm()
                driver.on_progress = faults.on_progress
                say("faults armed: stage kill/restart, slow endpoint, warehouse outage, routing crashes")
            say(f"replaying {len(workload)} applications over 5 channels, concurrency {args.concurrency}")
            send_started = time.monotonic()
            sents = driver.send(workload)
            drift_since = None
            if args.drift:
                drift_since = datetime.now(UTC)
                wave = [
                    dataclasses.replace(s, index=len(workload) + s.index)
                    for s in shifted_wave(max(1, args.applications // 2), args.seed + 1)
                ]
                say(f"drift: a second wave of {len(wave)} applications from a shifted population")
                sents += driver.send(wave)
            send_s = time.monotonic() - send_started
            driver.collect_mail_ids(timeout=drain_timeout)
            audits = driver.post_audits(sents)
            if faults:
                faults.disarm()
            say(f"sent; {audits} auditor decisions posted; waiting for the stream to drain …")
            result, snapshot = wait_for_drain(stack, sents, drain_timeout, say)
        finally:
            driver.close()
        deferred = sum(1 for s in sents if s.status == "PENDING_SCORE" and s.submission.channel.value != "mail")
        attach_ids(sents, snapshot)
        probabilities = {
            i["application_id"]: float(i["assessment"]["probability"]) for i in snapshot.items if i.get("assessment")
        }
        analytics = run_analytics(stack.warehouse_path)
        assert stack.sagemaker is not None
        summary = DemoSummary(
            sents=sents,
            reconciliation=result,
            endpoint_latencies_ms=list(stack.sagemaker.model_latencies_ms),
            analytics=analytics,
            audits_posted=audits,
            elapsed_s=time.monotonic() - started,
            send_s=send_s,
            rejected_on_purpose=rejected,
            faults=faults.summary() if faults else [],
            probabilities=probabilities,
        )
        dead_letters = queue_depths(stack)
        failed_sends = [s for s in sents if not s.accepted]
        say("")
        for line in summary.text():
            say(line)
        if failed_sends:
            say(f"not accepted by their channel: {len(failed_sends)} (first: {failed_sends[0].error})")
        if result.missing:
            for store, ids in result.missing.items():
                say(f"missing from {store}: {len(ids)} (e.g. {', '.join(ids[:3])})")
        mail_rows = sum(1 for s in sents if s.submission.channel.value == "mail")
        say(f"answered PENDING_SCORE at submission, scored later through SQS: {deferred} (+ {mail_rows} mail rows)")
        say("dead letters: " + ", ".join(f"{name}={depth}" for name, depth in dead_letters.items()))
        say(workbench_summary(stack.workbench) + ("" if args.keep else " (until the stack stops; --keep keeps it)"))
        report = summary.write_html(args.out / "report.html")
        say(f"HTML report: {report.relative_to(ROOT) if report.is_relative_to(ROOT) else report}")
        say(f"stack logs: {stack.log_dir}")
        say("")
        demo_loop_turn(stack, out_dir=args.out / "loop", say=say, drift_since=drift_since)
        if not args.keep:
            say("terraform destroy …")
    say(result.line)
    return 0 if result.ok and not failed_sends else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except (httpx.HTTPError, RuntimeError, TimeoutError, FileNotFoundError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
