"""Reading the environment: typed values, blank = unset, and every error naming its variable."""

from dataclasses import dataclass

import pytest

from riskline_runtime.settings import ConfigurationError, Environment, RequiresVariables, require


def test_blank_and_unset_read_alike_and_values_are_stripped():
    read = Environment({"NAME": "  table-1 ", "BLANK": "   "})
    assert read.optional("NAME") == "table-1"
    assert read.optional("BLANK") is None and read.optional("UNSET") is None
    assert read.text("BLANK", "fallback") == "fallback"
    assert read.required("NAME") == "table-1"
    with pytest.raises(ConfigurationError, match=r"^BLANK is not set$"):
        read.required("BLANK")


def test_a_configuration_error_is_a_value_error():
    assert issubclass(ConfigurationError, ValueError)


@pytest.mark.parametrize(
    ("raw", "positive", "whole"), [("3", 3, 3), ("0", None, 0), ("-1", None, None), ("2m", None, None)]
)
def test_integers_are_checked_against_their_kind(raw, positive, whole):
    read = Environment({"N": raw})
    for method, expected, what in ((read.positive_int, positive, "positive"), (read.whole_number, whole, "whole")):
        if expected is None:
            with pytest.raises(ConfigurationError, match=rf"N must be a {what} .*'{raw}'"):
                method("N", 7)
        else:
            assert method("N", 7) == expected
    assert Environment({}).positive_int("N", 7) == 7


def test_numbers_choices_prefixes_and_json_objects():
    read = Environment({"F": "0.25", "BAD": "high", "MODE": "scheduled", "P": "/raw/apps/", "J": '{"k": "v"}'})
    assert read.number("F", 1.0) == 0.25
    with pytest.raises(ConfigurationError, match="BAD must be a number"):
        read.number("BAD", 1.0)
    assert read.one_of("MODE", ("stream", "scheduled"), "stream") == "scheduled"
    assert read.one_of("UNSET", ("stream", "scheduled"), "stream") == "stream"
    with pytest.raises(ConfigurationError, match="BAD must be one of stream, scheduled, got 'high'"):
        read.one_of("BAD", ("stream", "scheduled"), "stream")
    assert read.prefix("P", "x") == "raw/apps" and read.prefix("UNSET", "/x/") == "x"
    mapping = read.json_object("J")
    assert dict(mapping) == {"k": "v"}
    with pytest.raises(TypeError):
        mapping["k"] = "changed"  # type: ignore[index]
    assert dict(read.json_object("UNSET")) == {}
    for bad in ("[1, 2]", "{not json"):
        with pytest.raises(ConfigurationError, match="J must be a JSON object"):
            Environment({"J": bad}).json_object("J")


@dataclass(frozen=True)
class _Example(RequiresVariables):
    VARIABLES = {"bucket": "LAKE_BUCKET"}
    bucket: str | None = None


def test_a_value_needed_on_one_path_only_fails_there_naming_its_variable():
    assert _Example(bucket="lake").require("bucket") == "lake"
    with pytest.raises(ConfigurationError, match=r"^LAKE_BUCKET is not set$"):
        _Example().require("bucket")
    assert require(0, "ZERO_IS_A_VALUE") == 0
