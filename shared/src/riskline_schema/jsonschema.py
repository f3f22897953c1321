"""Export JSON Schema for the public payloads (API documentation and request validation).

`python -m riskline_schema.jsonschema <dir>` writes one file per payload; the committed copies
under shared/jsonschema/ are checked against this output by the test suite.
"""

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .application import Application, ModelInput
from .assessment import AuditRequest, RiskAssessment
from .channels.submission import MobileSubmission, WebFormSubmission
from .examples import webform_submission

PUBLIC_PAYLOADS: dict[str, type[BaseModel]] = {
    "webform-submission": WebFormSubmission,
    "mobile-submission": MobileSubmission,
    "audit-request": AuditRequest,
    "application": Application,
    "model-input": ModelInput,
    "risk-assessment": RiskAssessment,
}


def schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name, model in PUBLIC_PAYLOADS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://riskline.dev/schema/1.0/{name}.json"
        if name == "webform-submission":
            schema["examples"] = [webform_submission()]
        out[name] = schema
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / f"{name}.schema.json"
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "shared/jsonschema")):
        print(path)
