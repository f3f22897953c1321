"""Cold start: every handler imports in a clean interpreter without boto3 or the X-Ray SDK (built on first use)."""

import json
import subprocess
import sys

HANDLERS = ("api", "lex", "connect", "mailroom")

PROBE = """
import json, sys
import riskline_ingestion.api, riskline_ingestion.lex, riskline_ingestion.connect, riskline_ingestion.mailroom
handlers = {m: callable(getattr(sys.modules["riskline_ingestion." + m], "handler")) for m in %r}
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"boto3", "aws_xray_sdk", "s3transfer", "jsonpath_ng"})
print(json.dumps({"handlers": handlers, "heavy": heavy, "csv_path": "riskline_ingestion.mail_intake" in sys.modules}))
"""


def test_handlers_import_without_the_heavy_modules_their_rare_or_first_call_paths_need():
    result = subprocess.run(
        [sys.executable, "-c", PROBE % (HANDLERS,)], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["handlers"] == dict.fromkeys(HANDLERS, True)
    assert report["heavy"] == []
    assert report["csv_path"] is False
