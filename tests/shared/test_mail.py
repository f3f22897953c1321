import csv
import io
import itertools

import pytest

from riskline_schema import Channel
from riskline_schema.channels import InvalidPayload, parse_mail_csv

from .conftest import NOW, flat_values


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def ids():
    counter = itertools.count(1)
    return lambda: f"mail-{next(counter):08d}"


def test_good_rows_are_stored_and_bad_rows_reported_by_line():
    rows = [flat_values(), flat_values(annual_income="plenty"), flat_values(state="XX", loan_amount="5")]
    batch = parse_mail_csv(csv_text(rows), new_id=ids(), received_at=NOW)
    assert [a.application_id for a in batch.applications] == ["mail-00000001"]
    assert batch.applications[0].channel is Channel.MAIL
    assert [(r.line, sorted(p.field for p in r.problems)) for r in batch.rejected] == [
        (3, ["annual_income"]),
        (4, ["loan_amount", "state"]),
    ]


def test_unknown_or_missing_columns_reject_the_whole_file():
    rows = [flat_values() | {"shoe_size": "9"}]
    with pytest.raises(InvalidPayload) as info:
        parse_mail_csv(csv_text(rows), new_id=ids(), received_at=NOW)
    assert {p.field: p.problem for p in info.value.problems} == {"shoe_size": "unknown column"}
    values = flat_values()
    del values["email"]
    with pytest.raises(InvalidPayload) as info:
        parse_mail_csv(csv_text([values]), new_id=ids(), received_at=NOW)
    assert {p.field: p.problem for p in info.value.problems} == {"email": "required column is missing"}


def test_blank_lines_are_skipped_and_ragged_rows_rejected():
    text = csv_text([flat_values()]) + ",,,,\n" + csv_text([flat_values()]).splitlines()[1] + ",extra\n"
    batch = parse_mail_csv(text, new_id=ids(), received_at=NOW)
    assert len(batch.applications) == 1
    assert batch.rejected[0].line == 4
    assert batch.rejected[0].problems[0].problem == "more cells than columns"


def test_row_limit_is_enforced():
    with pytest.raises(InvalidPayload) as info:
        parse_mail_csv(csv_text([flat_values()] * 3), new_id=ids(), received_at=NOW, max_rows=2)
    assert "more than 2 rows" in info.value.problems[0].problem


def test_empty_file_is_rejected():
    with pytest.raises(InvalidPayload):
        parse_mail_csv("", new_id=ids(), received_at=NOW)
