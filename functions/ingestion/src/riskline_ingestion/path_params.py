"""The REST routes' path parameters, checked before a route touches anything.

Checked here rather than by powertools' OpenAPI validation (`enable_validation=True`): the routes
validate their bodies with the shared schema already, the one path parameter is a pattern, and the
OpenAPI machinery adds about 20 ms to the function's cold import (`make bench-coldstart`) and a
validation pass to every request.
"""

import re

from riskline_schema import FieldProblem

from .errors import ValidationFailed

# Ids are ours (`new_application_id`) or a channel's own reference: 8-64 URL-safe characters.
APPLICATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}")
PROBLEM = "must be 8-64 letters, digits, '_' or '-', starting with a letter or digit"


def application_id(value: str) -> str:
    """The path's application id, or a 422 naming `application_id` (the value is not echoed)."""
    if APPLICATION_ID.fullmatch(value):
        return value
    raise ValidationFailed(
        "the request has invalid parameters",
        [FieldProblem(field="application_id", problem=PROBLEM)],
    )
