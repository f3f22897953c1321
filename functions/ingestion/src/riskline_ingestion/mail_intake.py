"""Process one mail-room CSV object: parse, store and queue good rows, report bad ones (imported lazily)."""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator

from riskline_runtime.clients import client
from riskline_runtime.observability import logger
from riskline_schema import Channel, FieldProblem
from riskline_schema.channels import InvalidPayload, parse_mail_csv
from riskline_schema.channels.flat import ADDRESS_FIELDS, APPLICANT_FIELDS

from . import observability as obs
from . import service, wiring
from .mail_report import REPORTS_PREFIX, MailObject, MailroomReport, MailroomSummary, RejectedLine
from .redaction import scrub

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
_PII_COLUMNS = frozenset(APPLICANT_FIELDS + ADDRESS_FIELDS)


def row_ids(obj: MailObject) -> Callable[[], str]:
    """Ids from the object's identity and the row's position: a redelivered event gets the same ids."""
    identity = f"{obj.bucket}/{obj.key}@{obj.version_id or obj.etag or ''}"
    counter: Iterator[int] = iter(range(1, 1 << 62))

    def next_id() -> str:
        return hashlib.sha256(f"{identity}#{next(counter)}".encode()).hexdigest()[:32]

    return next_id


def _pii_by_line(text: str) -> tuple[list[str], dict[int, list[str]]]:
    """The header, and each line's PII cells (to cut them out of problem messages)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    pii_columns = [i for i, name in enumerate(header) if name in _PII_COLUMNS]
    cells: dict[int, list[str]] = {}
    for row in reader:
        cells[reader.line_num] = [row[i] for i in pii_columns if i < len(row)]
    return header, cells


def _file_problems(error: InvalidPayload, header: list[str]) -> list[FieldProblem]:
    """Unknown columns by position, not name: a missing header row makes applicant values "names"."""
    out = []
    for problem in error.problems:
        if problem.problem == "unknown column" and problem.field in header:
            column = header.index(problem.field) + 1
            out.append(FieldProblem(field=f"(column {column})", problem="unknown column (is the header row missing?)"))
        else:
            out.append(problem)
    return out


def _read(obj: MailObject) -> str | list[FieldProblem]:
    if obj.size > MAX_FILE_BYTES:
        return [FieldProblem(field="(file)", problem=f"larger than {MAX_FILE_BYTES} bytes")]
    request = {"Bucket": obj.bucket, "Key": obj.key} | ({"VersionId": obj.version_id} if obj.version_id else {})
    data = client("s3").get_object(**request)["Body"].read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return [FieldProblem(field="(file)", problem=f"larger than {MAX_FILE_BYTES} bytes")]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [FieldProblem(field="(file)", problem="not UTF-8 text")]


def _write(report: MailroomReport, obj: MailObject) -> str:
    key = f"{REPORTS_PREFIX}{obj.file_name}.json"
    client("s3").put_object(
        Bucket=obj.bucket, Key=key, Body=report.model_dump_json(indent=2).encode(), ContentType="application/json"
    )
    return key


def process(obj: MailObject) -> MailroomSummary:
    base = {"bucket": obj.bucket, "key": obj.key, "version_id": obj.version_id, "received_at": obj.event_time}
    text = _read(obj)
    header: list[str] = []
    batch = None
    problems: list[FieldProblem] = []
    if isinstance(text, str):
        header, pii = _pii_by_line(text)
        try:
            batch = parse_mail_csv(text, new_id=row_ids(obj), received_at=obj.event_time, max_rows=MAX_ROWS)
        except InvalidPayload as error:
            problems = _file_problems(error, header)
    else:
        problems = text
    if batch is None:
        report = MailroomReport(
            **base,
            status="rejected",
            accepted=0,
            rejected=0,
            accepted_ids=[],
            rejected_lines=[],
            file_problems=problems,
        )
        obs.count(obs.REJECTED_VALIDATION, Channel.MAIL.value)
        logger.info("mail-room file rejected", extra={"problems": len(problems)})
    else:
        obs.count(obs.RECEIVED, Channel.MAIL.value, len(batch.applications) + len(batch.rejected))
        ids = service.accept_each(batch.applications, wiring.intake())
        rejected = [
            RejectedLine(
                line=row.line,
                problems=[
                    FieldProblem(field=p.field, problem=scrub(p.problem, pii.get(row.line, []))) for p in row.problems
                ],
            )
            for row in batch.rejected
        ]
        obs.count(obs.REJECTED_VALIDATION, Channel.MAIL.value, len(rejected))
        report = MailroomReport(
            **base,
            status="processed",
            accepted=len(ids),
            rejected=len(rejected),
            accepted_ids=ids,
            rejected_lines=rejected,
        )
    report_key = _write(report, obj)
    return MailroomSummary(
        key=obj.key, status=report.status, accepted=report.accepted, rejected=report.rejected, report_key=report_key
    )
