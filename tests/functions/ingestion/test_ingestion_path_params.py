"""Path parameters: an application id is checked before a route runs, and a bad one is a 422."""

import pytest

from riskline_ingestion import path_params
from riskline_ingestion.errors import ValidationFailed


@pytest.mark.parametrize("value", ["app-web-0001", "A1234567", "x" * 64, "20261207_abc-DEF"])
def test_well_formed_ids_pass_unchanged(value):
    assert path_params.application_id(value) == value


@pytest.mark.parametrize(
    "value",
    ["short", "x" * 65, "-starts-with-dash", "has space in it", "app-web-0001\n", "ünïcode-id", "a/b/c/d/e/f", ""],
)
def test_malformed_ids_are_422_naming_the_parameter_without_echoing_it(value):
    with pytest.raises(ValidationFailed) as failure:
        path_params.application_id(value)
    body = failure.value.body()
    assert failure.value.status == 422
    assert [p["field"] for p in body["error"]["problems"]] == ["application_id"]
    if value:
        assert value.strip() not in str(body)
