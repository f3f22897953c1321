"""One monitor run: read the window, compare with the baseline, write the report, publish metrics."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from .drift import DriftResult, analyse
from .metrics import publish
from .report import render
from .settings import Settings
from .window import read_baseline, read_window


@dataclass(frozen=True)
class RunResult:
    result: DriftResult
    report_uri: str
    metrics_published: int


def run(s3: Any, cloudwatch: Any, settings: Settings, until: date, window_days: int | None = None) -> RunResult:
    bucket, version = settings.require("lake_bucket"), settings.require("model_version")
    baseline = read_baseline(s3, bucket, settings.models_prefix, version)
    window = read_window(s3, bucket, settings.lake_prefix, until, window_days or settings.window_days)
    result = analyse(
        baseline,
        window.columns,
        window.probability,
        window.tiers,
        window.rejected,
        {"since": window.since.isoformat(), "until": window.until.isoformat()},
        settings.psi_threshold,
        version,
    )
    base = f"{settings.report_prefix}/dt={until.isoformat()}"
    s3.put_object(
        Bucket=bucket, Key=f"{base}/drift.html", Body=render(result).encode(), ContentType="text/html; charset=utf-8"
    )
    s3.put_object(
        Bucket=bucket,
        Key=f"{base}/drift.json",
        Body=json.dumps(result.to_dict(), allow_nan=True).encode(),
        ContentType="application/json",
    )
    # No model-version dimension: a feature's series (and its alarm) stays continuous across rollouts.
    published = publish(cloudwatch, settings.namespace, result)
    return RunResult(result, f"s3://{bucket}/{base}/drift.html", published)
