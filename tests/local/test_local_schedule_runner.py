"""The local stand-in for EventBridge Scheduler: which schedules it runs, when, and with what input."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from riskline_local.emulator.schedule_runner import Schedule, ScheduleRunner, discover, rate_seconds

ROLE = "arn:aws:iam::123456789012:role/scheduler"
LOADER = "arn:aws:lambda:us-east-1:123456789012:function:riskline-local-warehouse-loader:live"


class FakeRuntime:
    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes]] = []

    def resolve(self, function_name: str, qualifier: str | None = None) -> str:
        return function_name

    def invoke_async(self, target: str, payload: bytes) -> None:
        self.calls.append((target, payload))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(15 minutes)", 900), ("rate(1 hour)", 3600), ("rate(2 days)", 172800)],
)
def test_rate_expressions_read_as_seconds(expression, seconds):
    assert rate_seconds(expression) == seconds


def test_other_expressions_are_not_rates_and_a_zero_rate_is_refused():
    assert rate_seconds("cron(0 6 * * ? *)") is None
    assert rate_seconds("at(2026-12-07T12:00:00)") is None
    with pytest.raises(ValueError, match="positive"):
        rate_seconds("rate(0 minutes)")


def test_discovers_enabled_lambda_rate_schedules_with_their_input():
    with mock_aws():
        scheduler = boto3.client("scheduler", region_name="us-east-1")

        def create(name, expression, arn=LOADER, state="ENABLED", payload='{"source": "riskline.warehouse-loader"}'):
            scheduler.create_schedule(
                Name=name,
                ScheduleExpression=expression,
                State=state,
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": arn, "RoleArn": ROLE, "Input": payload},
            )

        create("loader", "rate(1 minute)")
        create("paused", "rate(1 minute)", state="DISABLED")
        create("nightly", "cron(0 6 * * ? *)")
        create("to-a-queue", "rate(5 minutes)", arn="arn:aws:sqs:us-east-1:123456789012:somewhere")
        found = discover(scheduler)
    assert found == [Schedule("loader", 60, LOADER, b'{"source": "riskline.warehouse-loader"}')]


def test_each_schedule_fires_once_per_period_from_one_period_after_start():
    runtime, clock = FakeRuntime(), Clock()
    runner = ScheduleRunner(
        schedules=[Schedule("loader", 60, LOADER, b'{"a": 1}'), Schedule("monitor", 3600, "monitor-arn", b"{}")],
        runtime=runtime,
        clock=clock,
    )
    assert runner.fire_due() == []  # a new schedule's first run is one period away
    clock.now += 59
    assert runner.fire_due() == []
    clock.now += 1
    assert runner.fire_due() == ["loader"]
    assert runner.fire_due() == []
    clock.now += 60
    assert runner.fire_due() == ["loader"]
    assert runtime.calls == [(LOADER, b'{"a": 1}')] * 2
    assert runner.runs == {"loader": 2, "monitor": 0}


def test_runs_missed_while_busy_fire_once_and_the_rhythm_holds():
    runtime, clock = FakeRuntime(), Clock()
    runner = ScheduleRunner(schedules=[Schedule("loader", 60, LOADER, b"{}")], runtime=runtime, clock=clock)
    runner.fire_due()
    clock.now += 60 * 5 + 10  # five periods passed without a tick
    assert runner.fire_due() == ["loader"]
    assert runner.fire_due() == []
    clock.now += 49  # the next slot stays on the original rhythm: start + 6 periods
    assert runner.fire_due() == []
    clock.now += 1
    assert runner.fire_due() == ["loader"]
    assert [json.loads(p) for _, p in runtime.calls] == [{}, {}]
