"""Mail-room CSV files keyed by staff: a header of canonical flat names, strings everywhere.

Good rows become Applications; bad rows are reported by their line number in the file.
"""

import csv
import io
from collections.abc import Callable
from datetime import datetime

from ..application import Application
from ..base import StrictModel
from ..enums import Channel
from ..errors import FieldProblem
from .errors import InvalidPayload
from .flat import FLAT_FIELDS, application_from_flat

REQUIRED_COLUMNS = frozenset(FLAT_FIELDS) - {"months_since_last_delinquency", "application_type"}


class RejectedRow(StrictModel):
    line: int
    problems: list[FieldProblem]


class MailBatch(StrictModel):
    applications: list[Application]
    rejected: list[RejectedRow]


def parse_mail_csv(
    text: str,
    *,
    new_id: Callable[[], str],
    received_at: datetime,
    max_rows: int | None = None,
) -> MailBatch:
    """Parse a whole file. A bad header rejects the file; bad rows are reported and skipped."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidPayload([FieldProblem(field="(header)", problem="the file has no header row")])
    reader.fieldnames = header
    problems = [FieldProblem(field=h, problem="unknown column") for h in header if h not in FLAT_FIELDS]
    problems += [
        FieldProblem(field=c, problem="required column is missing") for c in sorted(REQUIRED_COLUMNS - set(header))
    ]
    if problems:
        raise InvalidPayload(problems)

    applications: list[Application] = []
    rejected: list[RejectedRow] = []
    for row in reader:
        line = reader.line_num
        if max_rows is not None and len(applications) + len(rejected) >= max_rows:
            raise InvalidPayload([FieldProblem(field="(file)", problem=f"more than {max_rows} rows")])
        if None in row:  # more cells than header columns
            rejected.append(
                RejectedRow(line=line, problems=[FieldProblem(field="(row)", problem="more cells than columns")])
            )
            continue
        if all(not (v or "").strip() for v in row.values()):
            continue  # blank line left by a spreadsheet
        try:
            applications.append(
                application_from_flat(row, channel=Channel.MAIL, application_id=new_id(), submitted_at=received_at)
            )
        except InvalidPayload as exc:
            rejected.append(RejectedRow(line=line, problems=exc.problems))
    return MailBatch(applications=applications, rejected=rejected)
