"""Shapes of the mail-room path: the uploaded object, the report written back, the summary answered."""

from typing import Literal

from pydantic import Field

from riskline_schema import FieldProblem, StrictModel, UtcDatetime

REPORTS_PREFIX = "mailroom/reports/"


class MailObject(StrictModel):
    bucket: str
    key: str
    version_id: str | None = None
    etag: str | None = None
    size: int = Field(ge=0)
    event_time: UtcDatetime

    @property
    def file_name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


class RejectedLine(StrictModel):
    line: int
    problems: list[FieldProblem]


class MailroomReport(StrictModel):
    """Written to `mailroom/reports/<file name>.json`: counts, ids and problems — never a PII value."""

    bucket: str
    key: str
    version_id: str | None
    status: Literal["processed", "rejected"]
    received_at: UtcDatetime
    accepted: int
    rejected: int
    accepted_ids: list[str]
    rejected_lines: list[RejectedLine]
    file_problems: list[FieldProblem] = Field(default_factory=list)


class MailroomSummary(StrictModel):
    """The handler's answer per file (also what a redelivered event gets back)."""

    key: str
    status: Literal["processed", "rejected"]
    accepted: int
    rejected: int
    report_key: str
