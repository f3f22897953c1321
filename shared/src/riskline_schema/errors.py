"""Turn pydantic validation errors into the field-by-field problems a 4xx answer carries."""

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from .base import StrictModel


class FieldProblem(StrictModel):
    field: str
    problem: str


def _dotted(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif parts:
            parts.append(f".{part}")
        else:
            parts.append(str(part))
    return "".join(parts)


def describe_validation_error(exc: ValidationError, prefix: str = "") -> list[FieldProblem]:
    """One entry per problem, each naming the field (dotted path) and what is wrong with it."""
    problems: list[FieldProblem] = []
    for err in exc.errors(include_url=False):
        # Tagged-union and function-validator steps add loc parts that are not fields.
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        field = _dotted(loc)
        if prefix:
            field = f"{prefix}.{field}" if field else prefix
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "string_pattern_mismatch":
            message = f"invalid format: must match {err['ctx']['pattern']}"
        problems.append(FieldProblem(field=field or "(body)", problem=message))
    return problems


def format_problems(problems: ValidationError | Iterable[FieldProblem], prefix: str = "") -> str:
    """`field: problem; field: problem` — the one-line form logs and error messages carry.

    Field names and problems only: pydantic's own text would quote the offending (possibly personal) values.
    """
    if isinstance(problems, ValidationError):
        problems = describe_validation_error(problems, prefix=prefix)
    elif prefix:
        problems = [FieldProblem(field=f"{prefix}.{p.field}", problem=p.problem) for p in problems]
    return "; ".join(f"{p.field}: {p.problem}" for p in problems)
