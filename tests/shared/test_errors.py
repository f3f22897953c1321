"""One line of field problems, for logs and error messages: names and problems, never the values."""

import pytest
from pydantic import ValidationError

from riskline_schema import Application, FieldProblem, format_problems
from riskline_schema.channels.errors import InvalidPayload


def _invalid(document: dict) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        Application.model_validate(document)
    return info.value


def test_a_validation_error_reads_as_field_and_problem_pairs_without_the_values():
    secret = "do-not-echo-4111111111111111"
    line = format_problems(_invalid({"application_id": secret, "surprise": 1}))
    assert "surprise: unknown field" in line
    assert "channel: required field is missing" in line
    assert secret not in line
    assert line.count("; ") == len(line.split("; ")) - 1


def test_a_prefix_names_where_the_document_sat_in_its_envelope():
    line = format_problems(_invalid({"surprise": 1}), prefix="application")
    assert all(part.startswith("application.") for part in line.split("; "))


def test_problems_already_described_format_the_same_way():
    problems = [FieldProblem(field="income", problem="must be positive"), FieldProblem(field="email", problem="bad")]
    assert format_problems(problems) == "income: must be positive; email: bad"
    assert format_problems(problems, prefix="body") == "body.income: must be positive; body.email: bad"
    assert str(InvalidPayload(problems)) == "income: must be positive; email: bad"
    assert format_problems([]) == ""
