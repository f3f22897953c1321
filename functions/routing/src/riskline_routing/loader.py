"""Scheduled warehouse load (handler `riskline_routing.loader.handler`, run by EventBridge Scheduler).

    python -m riskline_routing.loader        # one run from a shell (`make load-warehouse`)

Each run loads every load-log marker since the watermark (scheduled_load.py). Metrics:
`WarehouseLoads` (a completed load), `WarehouseLoadFailures` (the alarm on failed loads),
`WarehouseLoadedObjects`, and `WarehouseLoadLagSeconds`, the age of the oldest marker the run
found waiting, taken after its load (0 when nothing was waiting): the lake → warehouse lag,
alarmed on. A failed load is logged, counted and raised, so the invocation records an error.
"""

import sys
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from riskline_runtime.clients import lazy
from riskline_runtime.observability import entry_point, logger, metrics

from .errors import ConfigurationError, WarehouseError
from .scheduled_load import LoadReport, Pending, WarehouseLoader
from .settings import Settings
from .warehouse import Warehouse, open_warehouse

LOAD_TIMEOUT_S = 240.0

# Built once per container; nothing here needs more than a region (AWS_ENDPOINT_URL_* redirect it locally).
settings = Settings.from_env()
s3 = lazy("s3")
# The warehouse itself (the load log is what this run drains). One scheduled load may COPY a
# whole interval's objects into a workgroup that is just resuming: it may wait longer than a
# per-batch upsert does, within the function's 300 s.
warehouse = open_warehouse(settings, timeout_s=LOAD_TIMEOUT_S)


def build(config: Settings, *, s3_client: Any, target: Warehouse) -> WarehouseLoader:
    return WarehouseLoader(
        s3_client, config.lake_bucket, config.load_log_prefix, target, settle_s=config.loader_settle_seconds
    )


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    pending: Pending | None = None
    try:
        loader = build(settings, s3_client=s3, target=warehouse)
        pending = loader.pending()
        report = loader.load(pending)
    except Exception as exc:  # any failure leaves the watermark; count it for the alarm, then raise
        metrics.add_metric(name="WarehouseLoadFailures", unit=MetricUnit.Count, value=1)
        if pending is not None:
            metrics.add_metric(
                name="WarehouseLoadLagSeconds", unit=MetricUnit.Seconds, value=pending.lag_s(pending.started)
            )
        logger.error(
            "warehouse load failed; the watermark stays, the next run loads these markers again",
            extra={"error": str(exc), "error_type": type(exc).__name__},
        )
        raise
    _record(report)
    return {"outcome": report.outcome, "markers": report.markers, "objects": report.objects, "lag_s": report.lag_s}


def _record(report: LoadReport) -> None:
    metrics.add_metric(name="WarehouseLoadLagSeconds", unit=MetricUnit.Seconds, value=report.lag_s)
    if report.outcome == "loaded":
        metrics.add_metric(name="WarehouseLoads", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="WarehouseLoadedObjects", unit=MetricUnit.Count, value=report.objects)
    log = logger.warning if report.outcome == "lost-race" else logger.info
    log(report.line(), extra={"outcome": report.outcome, "markers": report.markers, "objects": report.objects})


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m riskline_routing.loader", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    try:
        report = build(settings, s3_client=s3, target=warehouse).run()
    except (ConfigurationError, WarehouseError) as exc:
        print(f"warehouse load failed: {exc}", file=sys.stderr)
        return 1
    print(report.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
