import json
from pathlib import Path

from riskline_schema.jsonschema import PUBLIC_PAYLOADS, render, schemas

COMMITTED = Path(__file__).resolve().parents[2] / "shared" / "jsonschema"


def test_committed_json_schemas_match_the_models():
    """`make schemas` regenerates them; a stale copy would mislead API consumers."""
    generated = schemas()
    assert set(generated) == set(PUBLIC_PAYLOADS)
    for name, schema in generated.items():
        path = COMMITTED / f"{name}.schema.json"
        assert path.exists(), f"{path} missing: run `make schemas`"
        assert path.read_text() == render(schema), f"{path} is stale: run `make schemas`"


def test_webform_schema_forbids_unknown_fields_and_documents_ranges():
    schema = json.loads(render(schemas()["webform-submission"]))
    assert schema["additionalProperties"] is False
    assert schema["properties"]["debt_to_income"]["maximum"] == 1_000
    assert schema["properties"]["annual_income"]["minimum"] == 0
    assert "applicant" in schema["required"]


def test_the_documented_example_is_a_valid_submission():
    from datetime import UTC, datetime

    from riskline_schema.channels import application_from_submission

    (example,) = schemas()["webform-submission"]["examples"]
    app = application_from_submission(example, application_id="doc-example-1", submitted_at=datetime.now(UTC))
    assert app.loan_amount == example["loan_amount"]
