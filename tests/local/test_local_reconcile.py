"""The demo's reconciliation: this run's applications against the stores, and nothing else counted."""

from datetime import UTC, datetime
from types import SimpleNamespace

from riskline_local.demo.driver import Sent
from riskline_local.demo.reconcile import Snapshot, reconcile
from riskline_local.demo.workload import build_workload

UPDATED = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _item(application_id: str, submission, status: str = "SCORED") -> dict:
    application = submission.application
    return {
        "application_id": application_id,
        "channel": application.channel.value,
        "application": {"applicant": {"national_id": application.applicant.national_id}},
        "status": status,
        "updated_at": UPDATED.isoformat(),
    }


def _stores(items: list[dict]) -> Snapshot:
    lake = {i["application_id"]: SimpleNamespace(status=SimpleNamespace(value=i["status"]), updated_at=UPDATED)
            for i in items}  # fmt: skip
    warehouse = {i["application_id"]: {"status": i["status"], "updated_at": UPDATED} for i in items}
    return Snapshot(items, lake, warehouse)


def test_every_sent_application_in_every_store_reconciles_and_a_stranger_is_unexpected():
    ours, stranger = build_workload(3, seed=31), build_workload(1, seed=32)[0]
    sents = [Sent(submission=s, accepted=True) for s in ours]
    items = [_item(f"app-ours-{n:04d}", s) for n, s in enumerate(ours)]

    settled = reconcile(sents, _stores(items))
    assert (settled.sent, settled.stored, settled.lake, settled.warehouse, settled.lost) == (3, 3, 3, 3, 0)
    assert settled.settled

    crowded = reconcile(sents, _stores([*items, _item("app-stranger-01", stranger, "PENDING_SCORE")]))
    assert (crowded.unexpected, crowded.pending, crowded.ok) == (1, 1, False)


def test_applications_stored_before_the_run_are_neither_counted_nor_unexpected():
    ours, before = build_workload(2, seed=33), build_workload(1, seed=34)[0]
    sents = [Sent(submission=s, accepted=True) for s in ours]
    items = [_item(f"app-ours-{n:04d}", s) for n, s in enumerate(ours)] + [
        _item("app-before-1", before, "PENDING_SCORE")
    ]

    result = reconcile(sents, _stores(items), earlier=frozenset({"app-before-1"}))

    assert (result.stored, result.unexpected, result.pending, result.lost) == (2, 0, 0, 0)
    assert result.settled
