"""The review queue's index attributes: present on an item while it waits for an auditor, absent otherwise.

An application waits for an auditor when the model's decision policy sends it to review
(`decision_hint` review: the medium tier) and no auditor has decided it yet. The table's sparse GSI
`review-queue-index` holds exactly those items: hash `review_queue` (the channel, so one channel is
one partition), range `review_since` (`<submitted_at>#<application_id>`: oldest first, unique, so a
page cursor is a plain key bound).
"""

from typing import TYPE_CHECKING

from .enums import DecisionHint

if TYPE_CHECKING:
    from .record import ApplicationRecord

REVIEW_QUEUE_INDEX = "review-queue-index"
REVIEW_QUEUE = "review_queue"
REVIEW_SINCE = "review_since"
REVIEW_ATTRIBUTES: tuple[str, ...] = (REVIEW_QUEUE, REVIEW_SINCE)


def review_since(submitted_at: str, application_id: str) -> str:
    return f"{submitted_at}#{application_id}"


def awaits_review(record: "ApplicationRecord") -> bool:
    assessment = record.assessment
    return assessment is not None and assessment.decision_hint is DecisionHint.REVIEW and record.audit is None


def review_attributes(record: "ApplicationRecord", submitted_at: str) -> dict[str, str]:
    """The index attributes the item carries (empty when it is not waiting for an auditor).

    `submitted_at` is the item's stored top-level string, so the range key sorts exactly as stored."""
    if not awaits_review(record):
        return {}
    return {
        REVIEW_QUEUE: record.application.channel.value,
        REVIEW_SINCE: review_since(submitted_at, record.application_id),
    }
