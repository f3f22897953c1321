"""The demo's workload: seeded synthetic applications (with the auditors' decisions), per channel."""

from __future__ import annotations

from dataclasses import dataclass

from riskline_schema import Application, AuditOutcome, Channel


@dataclass(frozen=True)
class Submission:
    index: int
    application: Application
    label: AuditOutcome  # what the auditor decides, from the generator's story

    @property
    def channel(self) -> Channel:
        return self.application.channel

    @property
    def key(self) -> tuple[str, str]:
        """How the demo recognises its application in the stores (channel, national id): ids are assigned there."""
        return self.application.channel.value, self.application.applicant.national_id


def build_workload(count: int, seed: int) -> list[Submission]:
    from riskline_model.data.generator import generate

    labeled = generate(count, seed=seed)
    seen: set[tuple[str, str]] = set()
    out = []
    for item in labeled:
        submission = Submission(len(out), item.application, item.label)
        if submission.key in seen:  # the same person twice on one channel is one submission (idempotency)
            continue
        seen.add(submission.key)
        out.append(submission)
    return out
