"""The demo's loop turn: the running stack's lake (moto) → training set, gate, report, registry, drift."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from riskline_local.demo.loop_turn import demo_loop_turn, main
from riskline_model.loop.synthetic import LakeSpec, lake_frame, write_lake
from riskline_model.train import train_to_dir

BUCKET = "riskline-local-lake"


@dataclass
class Outputs:
    values: dict[str, Any]
    function_names: dict[str, str] = field(default_factory=lambda: {"routing": "riskline-local-routing"})

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


class Stack:
    """What the loop turn needs of `LocalStack`: its terraform outputs, clients and moto's address
    (None here: in-process moto answers boto3's default endpoints)."""

    moto_url = None

    def __init__(self) -> None:
        self.outputs = Outputs({"lake_bucket_name": BUCKET})

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name="us-east-1")


@pytest.fixture(scope="module")
def champion(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_to_dir(tmp_path_factory.mktemp("champion"), rows=4000, seed=51, num_round=60, max_depth=3).tarball


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """moto with the lake a demo leaves: 2,400 applications over four weeks, one in four audited, the
    last week from a population with higher revolving utilization."""
    root = tmp_path / "written"
    write_lake(lake_frame(LakeSpec(rows=1800, seed=52, days=21, audited_share=0.25)), root)
    shifted = LakeSpec(
        rows=600,
        seed=53,
        days=7,
        start=datetime(2026, 11, 22, tzinfo=UTC),
        audited_share=0.25,
        shift={"revolving_utilization": 1.7},
    )
    write_lake(lake_frame(shifted), root, batch="w4")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for path in sorted(root.rglob("*.jsonl")):
            s3.upload_file(str(path), BUCKET, path.relative_to(root).as_posix())
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="routing", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"}))
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as zf:
            zf.writestr("handler.py", "def handler(event, context):\n    return None\n")
        boto3.client("lambda", region_name="us-east-1").create_function(
            FunctionName="riskline-local-routing",
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler="handler.handler",
            Code={"ZipFile": code.getvalue()},
            Environment={"Variables": {"LAKE_BUCKET": BUCKET, "LAKE_PREFIX": "applications"}},
        )
        yield Stack()


def test_demo_turn_prints_verdict_report_and_flags_the_shifted_feature(
    stack: Stack, champion: Path, tmp_path: Path
) -> None:
    lines: list[str] = []
    turn = demo_loop_turn(stack, champion, tmp_path / "loop", tmp_path / "registry", say=lines.append)

    assert turn.trainset is not None and turn.refused is None
    assert turn.trainset.applications == 2400 and 550 < turn.trainset.audited < 650
    assert turn.challenge is not None and turn.challenge.report.is_file()
    assert any(line.strip().startswith("gate: ") for line in lines)
    assert any("comparison report:" in line for line in lines)
    if turn.challenge.verdict.decision == "promote":
        assert turn.package is not None and turn.package.status == "PendingManualApproval"
    else:
        assert turn.package is None and "failed margins:" in "\n".join(lines)
    assert turn.drift is not None and turn.drift.result.flagged == ["revolving_utilization"]
    assert (tmp_path / "loop/lake/applications").is_dir()


def test_retrain_entry_point_explains_a_missing_lake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lake", str(tmp_path / "nowhere")]) == 2
    assert "run `make demo` first" in capsys.readouterr().err
