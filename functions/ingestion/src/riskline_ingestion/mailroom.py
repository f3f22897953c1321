"""Mail-room CSV entry point (S3 ObjectCreated notifications for files under the mail-room prefix).

Handler string: `riskline_ingestion.mailroom.handler`. Good rows are stored PENDING_SCORE and queued;
bad rows are reported by line number in `mailroom/reports/<file name>.json` next to the upload.
"""

from typing import Any
from urllib.parse import unquote_plus

from riskline_runtime.observability import entry_point, logger

from .idempotency import digest, run_once
from .mail_report import REPORTS_PREFIX, MailObject, MailroomSummary


def objects_in(event: dict[str, Any]) -> list[MailObject]:
    """The uploaded objects an S3 notification names (keys arrive URL-encoded, spaces as '+')."""
    objects = []
    for record in event.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        obj = s3["object"]
        objects.append(
            MailObject(
                bucket=s3["bucket"]["name"],
                key=unquote_plus(obj["key"]),
                version_id=obj.get("versionId") or None,
                etag=obj.get("eTag") or None,
                size=int(obj.get("size", 0)),
                event_time=record["eventTime"],
            )
        )
    return objects


@entry_point(with_metrics=False)  # metrics go out one by one (observability.count)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from . import mail_intake

    summaries = []
    for obj in objects_in(event):
        if obj.key.startswith(REPORTS_PREFIX):
            continue  # our own report landing in the bucket, not an upload
        identity = digest("s3", obj.bucket, obj.key, obj.version_id or obj.etag or "")
        summary = run_once(identity, lambda obj=obj: mail_intake.process(obj), MailroomSummary, context)
        logger.info(
            "mail-room file done",
            extra={"status": summary.status, "accepted": summary.accepted, "rejected": summary.rejected},
        )
        summaries.append(summary)
    return {"files": [s.model_dump(mode="json") for s in summaries]}
