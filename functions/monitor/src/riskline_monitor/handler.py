"""Scheduled drift monitor (handler `riskline_monitor.handler.handler`).

Invoked by EventBridge Scheduler with the schedule's JSON input (optional `until` as YYYY-MM-DD,
optional `window_days`), or by an EventBridge scheduled rule (its `time` gives the day). Reads the
lake's last `WINDOW_DAYS` days, compares them with the serving artifact's training baseline, writes
`<REPORT_PREFIX>/dt=<until>/drift.{html,json}` in the lake bucket and publishes the metrics.
"""

from datetime import UTC, date, datetime
from typing import Any

from riskline_runtime.clients import lazy
from riskline_runtime.observability import entry_point, logger

from .errors import ConfigurationError
from .service import run
from .settings import Settings

settings = Settings.from_env()
s3 = lazy("s3")
cloudwatch = lazy("cloudwatch")


def _until(event: dict[str, Any]) -> date:
    if event.get("until"):
        try:
            return date.fromisoformat(str(event["until"]))
        except ValueError:
            raise ConfigurationError(f"until: {event['until']!r} is not a YYYY-MM-DD date") from None
    if event.get("time"):  # an EventBridge scheduled event
        return datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00")).date()
    return datetime.now(UTC).date()


# Its metrics go out through PutMetricData (metrics.py), per model version, not as EMF.
@entry_point(with_metrics=False)
def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    event = event or {}
    window_days = int(event["window_days"]) if event.get("window_days") else None
    outcome = run(s3, cloudwatch, settings, _until(event), window_days)
    result = outcome.result
    summary = {
        "model_version": result.model_version,
        "window": result.window,
        "rows": result.rows,
        "max_feature_psi": round(result.max_feature_psi, 4),
        "drifted_features": result.flagged,
        "report": outcome.report_uri,
        "metrics_published": outcome.metrics_published,
    }
    logger.info("drift monitor run", extra=summary)
    return summary
