"""The whole flow on the local stack (moto + terraform/envs/local + serving stages + Lambda runtime):
every channel, with and without faults, reconciled from DynamoDB, the lake and the warehouse; no PII in
the lake, the warehouse or any captured log line. One stack for the module: the apply takes a while."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH: the local stack needs it"),
]


@dataclass
class World:
    stack: object
    sents: list = field(default_factory=list)


def _package(dist: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "package.py"), "--dist", str(dist)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"packaging failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from riskline_local.stack import LocalStack, StackOptions
    from riskline_model.train import train_to_dir

    tmp = tmp_path_factory.mktemp("stack")
    _package(tmp / "dist")
    model = train_to_dir(tmp / "model", rows=3000, seed=5)
    options = StackOptions(
        work_dir=tmp / "work",
        dist_dir=tmp / "dist",
        model_tarball=model.tarball,
        concurrency=4,
        sqs_retry_base_s=2,
        destroy_on_exit=False,
        progress=lambda message: None,
    )
    with LocalStack(options) as stack:
        yield World(stack)


def _run(world: World, count: int, seed: int, faults: object | None = None):
    from riskline_local.demo import wait_for_drain
    from riskline_local.driver import Driver
    from riskline_local.workload import build_workload

    stack = world.stack
    workload = build_workload(count, seed)
    driver = Driver(stack, concurrency=4)
    try:
        if faults is not None:
            faults.arm()
            driver.on_progress = faults.on_progress
        sents = driver.send(workload, show_progress=False)
        driver.collect_mail_ids(timeout=120)
        audits = driver.post_audits(sents)
        if faults is not None:
            faults.disarm()
    finally:
        driver.close()
    world.sents += sents
    result, snapshot = wait_for_drain(stack, world.sents, timeout=300, say=lambda line: None)
    return sents, audits, result, snapshot


def test_every_channel_reaches_dynamodb_the_lake_and_the_warehouse(world: World) -> None:
    sents, audits, result, snapshot = _run(world, count=160, seed=11)
    assert all(s.accepted for s in sents), [s.error for s in sents if not s.accepted][:3]
    assert {s.submission.channel.value for s in sents} == {"webform", "mobile", "chatbot", "phone", "mail"}
    assert result.ok and result.settled, (result.line, result.missing)
    assert (result.sent, result.stored, result.lake, result.warehouse, result.pending, result.lost) == (
        len(sents), len(sents), len(sents), len(sents), 0, 0,
    )  # fmt: skip
    audited = [row for row in snapshot.warehouse.values() if row["audit_outcome"] is not None]
    assert audits > 0 and len(audited) == audits
    assert all(item["status"] == "SCORED" for item in snapshot.items)


def test_faults_degrade_to_scored_later_and_lose_nothing(world: World) -> None:
    from riskline_local.faults import FaultInjector, FaultPlan

    plan = FaultPlan(warehouse_outage_s=12.0, crash_one_in=8)
    faults = FaultInjector(world.stack, plan)
    sents, _audits, result, snapshot = _run(world, count=200, seed=12, faults=faults)
    assert all(s.accepted for s in sents), [s.error for s in sents if not s.accepted][:3]
    names = " | ".join(e.name for e in faults.events)
    for expected in ("killed", "latency", "warehouse outage", "crashes"):
        assert expected in names
    assert faults.crashes > 0
    assert world.stack.sagemaker.errors > 0  # the killed stage was reported as a failing container
    assert result.ok and result.settled, (result.line, result.missing)
    assert result.lost == 0 and result.pending == 0
    assert all(item["status"] == "SCORED" for item in snapshot.items)


def _pii_patterns(sents: list) -> list[re.Pattern[str]]:
    patterns = []
    for sent in sents:
        a = sent.submission.application.applicant
        patterns.append(re.compile(re.escape(a.email), re.IGNORECASE))
        patterns.append(re.compile(rf"(?<!\d){a.national_id}(?!\d)"))
        patterns.append(re.compile(rf"(?<!\d){re.escape(a.national_id[:3])}-{a.national_id[3:5]}-{a.national_id[5:]}"))
        patterns.append(re.compile(re.escape(f"{a.first_name} {a.last_name}")))
        patterns.append(re.compile(re.escape(a.address.street)))
        digits = re.sub(r"\D", "", a.phone)
        patterns.append(re.compile(rf"(?<!\d){digits}(?!\d)"))
    return patterns


def test_no_pii_in_the_lake_the_warehouse_or_any_log_line(world: World) -> None:
    from riskline_local.reconcile import read_stores

    stack = world.stack
    assert world.sents, "runs after the flows above"
    snapshot = read_stores(stack)
    s3 = stack.client("s3")
    bucket = stack.outputs["lake_bucket_name"]
    prefix = stack.runtime.pool(stack.outputs.function_names["routing"]).spec.environment.get("LAKE_PREFIX", "")
    lake_text = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            lake_text.append(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode())
    assert lake_text
    sources = {
        "lake": "\n".join(lake_text),
        "warehouse": "\n".join(repr(row) for row in snapshot.warehouse.values()),
    }
    for log in sorted(stack.log_dir.glob("*.log")):
        if log.name != "terraform.log":
            sources[log.name] = log.read_text(errors="replace")
    assert any(name.startswith("lambda-") for name in sources)
    leaks = []
    for pattern in _pii_patterns(world.sents):
        for name, text in sources.items():
            found = pattern.search(text)
            if found:
                leaks.append(f"{name}: {found.group(0)[:3]}… ({pattern.pattern[:20]})")
    assert not leaks, leaks[:10]
