"""The whole flow on the local stack (moto + terraform/envs/local + serving stages + Lambda runtime):
every channel, with and without faults, reconciled from DynamoDB, the lake and the warehouse; no PII in
the lake, the warehouse or any captured log line. The apply and the runtime are the session's
(`local_stack`, tests/conftest.py), shared with the workbench's browser tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from riskline_local.emulator.stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@dataclass
class World:
    stack: object
    sents: list = field(default_factory=list)
    earlier: frozenset[str] = frozenset()  # stored before this module (the browser tests' applications)


@pytest.fixture(scope="module")
def world(local_stack: LocalStack) -> World:
    """The session's local stack (tests/conftest.py), and what other modules stored on it before."""
    from riskline_local.demo.reconcile import scan_table

    return World(local_stack, earlier=frozenset(item["application_id"] for item in scan_table(local_stack)))


def _run(world: World, count: int, seed: int, faults: object | None = None):
    from riskline_local.demo.driver import Driver
    from riskline_local.demo.run import wait_for_drain
    from riskline_local.demo.workload import build_workload

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
    result, snapshot = wait_for_drain(stack, world.sents, timeout=300, say=lambda line: None, earlier=world.earlier)
    return sents, audits, result, snapshot


def test_every_channel_reaches_dynamodb_the_lake_and_the_warehouse(world: World) -> None:
    sents, audits, result, snapshot = _run(world, count=160, seed=11)
    assert all(s.accepted for s in sents), [s.error for s in sents if not s.accepted][:3]
    assert {s.submission.channel.value for s in sents} == {"webform", "mobile", "chatbot", "phone", "mail"}
    assert result.ok and result.settled, (result.line, result.missing)
    assert (result.sent, result.stored, result.lake, result.warehouse, result.pending, result.lost) == (
        len(sents), len(sents), len(sents), len(sents), 0, 0,
    )  # fmt: skip
    ours = {s.application_id for s in sents}
    audited = [row for i, row in snapshot.warehouse.items() if i in ours and row["audit_outcome"] is not None]
    assert audits > 0 and len(audited) == audits
    assert all(item["status"] == "SCORED" for item in snapshot.items if item["application_id"] not in world.earlier)


def test_faults_degrade_to_scored_later_and_lose_nothing(world: World) -> None:
    from riskline_local.demo.faults import FaultInjector, FaultPlan

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
    assert all(item["status"] == "SCORED" for item in snapshot.items if item["application_id"] not in world.earlier)


@dataclass
class Pii:
    """One applicant's identifying values, and where a text shows any of them."""

    email: str
    national_id: str
    phone_digits: str
    literals: tuple[str, ...]  # full name, street: exact substrings

    @classmethod
    def of(cls, sent: object) -> Pii:
        a = sent.submission.application.applicant  # type: ignore[attr-defined]
        return cls(
            email=a.email.casefold(),
            national_id=a.national_id,
            phone_digits=re.sub(r"\D", "", a.phone),
            literals=(f"{a.first_name} {a.last_name}", a.address.street),
        )


class Haystack:
    """A text indexed once: its digit runs (an id or phone number must stand alone, not inside a longer
    number), its dashed ids (123-45-6789, however the digits go on) and its case-folded form (emails)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = text.casefold()
        self.digit_runs = set(re.findall(r"\d+", text))
        self.dashed = set(re.findall(r"(?<!\d)(\d{3}-\d{2}-\d{4})", text))

    def leaks(self, pii: Pii) -> list[str]:
        found = [what for what in (pii.national_id, pii.phone_digits) if what in self.digit_runs]
        dashed = f"{pii.national_id[:3]}-{pii.national_id[3:5]}-{pii.national_id[5:]}"
        found += [dashed] if dashed in self.dashed else []
        found += [pii.email] if pii.email in self.folded else []
        found += [literal for literal in pii.literals if literal in self.text]
        return found


def test_no_pii_in_the_lake_the_warehouse_or_any_log_line(world: World) -> None:
    from riskline_local.demo.reconcile import read_stores

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
    applicants = [Pii.of(sent) for sent in world.sents]
    leaks = []
    for name, text in sources.items():
        haystack = Haystack(text)
        for pii in applicants:
            leaks += [f"{name}: {value[:3]}…" for value in haystack.leaks(pii)]
    assert not leaks, leaks[:10]
