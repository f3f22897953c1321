"""Cold start as a user feels it: init plus the first invocation on a real event, from each handler's
built zip, beside a bare-boto3 handler that makes the same AWS calls, in the same run.

    python bench/coldstart_first.py               # ingestion_api (GET status), etl_sync, etl_queue, routing
    python bench/coldstart_first.py --runs 15 routing

Each run is a fresh Lambda-like interpreter (tools/lambda_sim.py: the zip on sys.path, the runtime's
own boto3, the Lambda environment, tracing on as the stack deploys it) whose AWS calls go to a moto
server on loopback holding what they need. The clock starts before the handler's module is imported
and stops when its first invocation returns; the baseline's covers `import boto3`, its clients and
the same calls. Handler and baseline runs alternate, so a busy machine slows both alike:

    first <role>: handler_ms=… (init=… invoke=…) bare_ms=… (init=… invoke=…) ratio=…
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import lambda_sim  # noqa: E402  (tools/ is not an installed package)

REGION = "us-east-1"
TABLE, BUCKET, SECRET, ENDPOINT = "bench-applications", "bench-lake", "bench-applicant-key", "bench-endpoint"
APP_ID = "app-bench-0000001"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PREDICTION = {
    "probability": 0.42,
    "tier": "medium",
    "tier_probabilities": {"low": 0.3, "medium": 0.5, "high": 0.2},
    "decision_hint": "review",
    "reason_codes": ["HIGH_DTI"],
    "model_version": "riskline-xgb-20261129T1200-1a2b3c4d",
}

TIMED_FIRST = """
import json, time
start = time.perf_counter()
import importlib
handler = getattr(importlib.import_module({module!r}), {attribute!r})
initialised = time.perf_counter()

class Context:
    function_name = "riskline-bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:riskline-bench:live"
    aws_request_id = "00000000-0000-4000-8000-000000000001"
    def get_remaining_time_in_millis(self):
        return 30000

result = handler(json.loads({event!r}), Context())
done = time.perf_counter()
print(json.dumps({{"init_ms": (initialised - start) * 1000, "invoke_ms": (done - initialised) * 1000,
                   "result": result}}, default=str))
"""

TIMED_BARE = """
import json, time
start = time.perf_counter()
import boto3
{setup}
initialised = time.perf_counter()
event = json.loads({event!r})
{calls}
done = time.perf_counter()
print(json.dumps({{"init_ms": (initialised - start) * 1000, "invoke_ms": (done - initialised) * 1000,
                   "result": "ok"}}))
"""


@dataclass
class Scenario:
    role: str
    fn: str
    handler: str
    event: dict[str, Any]
    bare_setup: str
    bare_calls: str
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[Any], bool] = lambda result: True
    before_each: Callable[[], None] = lambda: None


def _record_item() -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored item (DynamoDB's types) and its application as JSON."""
    from riskline_schema import Application, ApplicationRecord
    from riskline_schema.examples import webform_submission

    application = Application.model_validate(
        webform_submission() | {"application_id": APP_ID, "channel": "webform", "submitted_at": NOW}
    )
    record = ApplicationRecord(
        application=application, status="PENDING_SCORE", scoring_attempts=1, created_at=NOW, updated_at=NOW
    )
    return record.to_item(), application.model_dump(mode="json")


def _typed(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {key: serializer.serialize(value) for key, value in item.items()}


def _stream_event(item: dict[str, Any]) -> dict[str, Any]:
    """One INSERT record as Lambda delivers a NEW_AND_OLD_IMAGES stream batch."""
    image = _typed(item)
    return {
        "Records": [
            {
                "eventID": "c4ca4238a0b923820dcc509a6f75849b",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(NOW.timestamp()),
                    "Keys": {"application_id": {"S": APP_ID}},
                    "NewImage": image,
                    "SequenceNumber": "400000000000000000001",
                    "SizeBytes": len(json.dumps(image)),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{REGION}:123456789012:table/{TABLE}/stream/2026-12-07T00:00:00",
            }
        ]
    }


def _sqs_event() -> dict[str, Any]:
    body = json.dumps({"application_id": APP_ID, "reason": "scoring_failed", "enqueued_at": "2026-12-07T12:00:01Z"})
    return {
        "Records": [
            {
                "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
                "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1765108801000",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1765108801001",
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:bench-scoring",
                "awsRegion": REGION,
            }
        ]
    }


def _status_event() -> dict[str, Any]:
    """GET /applications/{id} as API Gateway's REST proxy delivers it (from the ingestion tests' sample)."""
    sample = ROOT / "tests" / "functions" / "ingestion" / "events" / "apigw_rest_post_applications.json"
    event = json.loads(sample.read_text())
    path = f"/applications/{APP_ID}"
    event.update(
        resource="/applications/{application_id}",
        path=path,
        httpMethod="GET",
        pathParameters={"application_id": APP_ID},
        body=None,
        isBase64Encoded=False,
    )
    event["requestContext"].update(resourcePath="/applications/{application_id}", httpMethod="GET", path=f"/prod{path}")
    for headers in (event["headers"], event["multiValueHeaders"]):
        for name in [n for n in headers if n.lower() in ("content-type", "content-length", "idempotency-key")]:
            del headers[name]
    return event


def _invoke_endpoint(body: str) -> str:
    return (
        f"answer = sagemaker.invoke_endpoint(EndpointName={ENDPOINT!r}, ContentType='application/json', "
        f"Accept='application/json', Body={body})\njson.loads(answer['Body'].read())"
    )


def scenarios(moto_url: str) -> list[Scenario]:
    dynamodb = _client("dynamodb", moto_url)
    item, application = _record_item()
    sync_event = {"application": application}

    def reset_item() -> None:
        dynamodb.put_item(TableName=TABLE, Item=_typed(item))

    key = f"{{'application_id': {{'S': {APP_ID!r}}}}}"
    return [
        Scenario(
            "ingestion_api",
            "ingestion",
            "riskline_ingestion.api.handler",
            _status_event(),
            bare_setup="dynamodb = boto3.client('dynamodb')",
            bare_calls=f"dynamodb.get_item(TableName={TABLE!r}, Key={key}, ConsistentRead=True)['Item']",
            check=lambda result: result.get("statusCode") == 200,
            before_each=reset_item,
        ),
        Scenario(
            "etl_sync",
            "etl",
            "riskline_etl.sync.handler",
            sync_event,
            bare_setup="sagemaker = boto3.client('sagemaker-runtime')",
            bare_calls=_invoke_endpoint("json.dumps(event['application'])"),
            check=lambda result: "assessment" in result,
        ),
        Scenario(
            "etl_queue",
            "etl",
            "riskline_etl.queue_consumer.handler",
            _sqs_event(),
            bare_setup="sagemaker = boto3.client('sagemaker-runtime')\ndynamodb = boto3.client('dynamodb')",
            bare_calls="\n".join(
                [
                    f"item = dynamodb.get_item(TableName={TABLE!r}, Key={{'application_id': {{'S': {APP_ID!r}}}}}, "
                    "ConsistentRead=True)['Item']",
                    _invoke_endpoint("json.dumps(item['application']['M'])"),
                    f"dynamodb.update_item(TableName={TABLE!r}, Key={{'application_id': {{'S': {APP_ID!r}}}}}, "
                    "UpdateExpression='SET #s = :s', ExpressionAttributeNames={'#s': 'status'}, "
                    "ExpressionAttributeValues={':s': {'S': 'SCORED'}})",
                ]
            ),
            check=lambda result: result == {"batchItemFailures": []},
            before_each=reset_item,
        ),
        Scenario(
            "routing",
            "routing",
            "riskline_routing.stream.handler",
            _stream_event(item),
            env={"WAREHOUSE_LOAD_MODE": "scheduled"},
            bare_setup="secrets = boto3.client('secretsmanager')\ns3 = boto3.client('s3')",
            bare_calls="\n".join(
                [
                    f"secrets.get_secret_value(SecretId={SECRET!r})",
                    f"s3.put_object(Bucket={BUCKET!r}, Key='applications/bench.jsonl', Body=json.dumps(event))",
                    f"s3.put_object(Bucket={BUCKET!r}, Key='load-log/bench.json', Body='{{}}')",
                ]
            ),
            check=lambda result: result == {"batchItemFailures": []},
        ),
    ]


def _client(service: str, moto_url: str) -> Any:
    import boto3

    return boto3.client(
        service, endpoint_url=moto_url, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def provision(moto_url: str) -> str:
    """What the calls need on the moto server; the secret's ARN."""
    import httpx

    def client(service: str) -> Any:
        return _client(service, moto_url)

    client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "application_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "application_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client("s3").create_bucket(Bucket=BUCKET)
    arn = client("secretsmanager").create_secret(Name=SECRET, SecretString="bench-hmac-key")["ARN"]
    # moto answers InvokeEndpoint from a result queue (remembered per request body).
    body = json.dumps({"predictions": [PREDICTION]})
    result = {"Body": body, "ContentType": "application/json", "InvokedProductionVariant": "AllTraffic"}
    httpx.post(
        f"{moto_url}/moto-api/static/sagemaker/endpoint-results", json={"region": REGION, "results": [result] * 64}
    ).raise_for_status()
    return arn


def environment(fn: str, moto_url: str, secret_arn: str, extra: dict[str, str]) -> dict[str, str]:
    return lambda_sim.lambda_environment(
        fn,
        {
            "AWS_ENDPOINT_URL": moto_url,
            "APPLICATIONS_TABLE": TABLE,
            "SAGEMAKER_ENDPOINT_NAME": ENDPOINT,
            "LAKE_BUCKET": BUCKET,
            "APPLICANT_KEY_SECRET_ARN": secret_arn,
            # JSON-valued variables get values of their shape (no key bound; the default grade scale).
            "CHANNEL_API_KEY_IDS": "{}",
            "AUDIT_GRADE_SCALE": "",
            # Tracing on, as the stack deploys every function: the handler pays for its segment.
            "_X_AMZN_TRACE_ID": "Root=1-6754a1b0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            **extra,
        },
    )


def _run(code: str, task: Path | None, runtime: Path, env: dict[str, str]) -> dict[str, Any]:
    result = lambda_sim.run_isolated(code, task=task, runtime=runtime, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "run failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(scenario: Scenario, task: Path, runtime: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    module, _, attribute = scenario.handler.rpartition(".")
    event = json.dumps(scenario.event)
    ours = TIMED_FIRST.format(module=module, attribute=attribute, event=event)
    bare = TIMED_BARE.format(setup=scenario.bare_setup, calls=scenario.bare_calls, event=event)
    samples: dict[str, list[float]] = {k: [] for k in ("init", "invoke", "bare_init", "bare_invoke")}
    for n in range(runs + 1):  # the first pair warms the OS file cache and is not counted
        scenario.before_each()
        answer = _run(ours, task, runtime, env)
        if not scenario.check(answer["result"]):
            raise RuntimeError(f"{scenario.handler} answered {answer['result']!r}")
        scenario.before_each()
        baseline = _run(bare, None, runtime, env)
        if n:
            samples["init"].append(answer["init_ms"])
            samples["invoke"].append(answer["invoke_ms"])
            samples["bare_init"].append(baseline["init_ms"])
            samples["bare_invoke"].append(baseline["invoke_ms"])
    totals = [i + v for i, v in zip(samples["init"], samples["invoke"], strict=True)]
    bare_totals = [i + v for i, v in zip(samples["bare_init"], samples["bare_invoke"], strict=True)]
    medians = {key: statistics.median(values) for key, values in samples.items()}
    return medians | {"total": statistics.median(totals), "bare_total": statistics.median(bare_totals)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roles", nargs="*", help="limit to these roles (ingestion_api, etl_sync, etl_queue, routing)")
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per handler and per baseline")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra Lambda variable")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)

    from moto.server import ThreadedMotoServer

    sys.path.insert(0, str(ROOT / "local"))
    from riskline_local.emulator.procs import LOOPBACK, free_port

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's request log
    port = free_port()
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
    server.start()
    moto_url = f"http://{LOOPBACK}:{port}"
    status = 0
    try:
        secret_arn = provision(moto_url)
        runtime = lambda_sim.runtime_dir(args.build)
        (args.build / "coldstart").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=args.build / "coldstart") as scratch:
            tasks: dict[str, Path] = {}
            for scenario in scenarios(moto_url):
                if args.roles and scenario.role not in args.roles:
                    continue
                zip_path = args.dist / f"{scenario.fn}.zip"
                if not zip_path.is_file():
                    print(f"first {scenario.role}: skipped ({zip_path} missing: run `make package`)")
                    continue
                if scenario.fn not in tasks:
                    tasks[scenario.fn] = lambda_sim.extract(zip_path, Path(scratch) / scenario.fn)
                env = environment(scenario.fn, moto_url, secret_arn, scenario.env | extra)
                try:
                    m = measure(scenario, tasks[scenario.fn], runtime, env, args.runs)
                except RuntimeError as error:
                    print(f"first {scenario.role}: FAILED: {error}")
                    status = 1
                    continue
                print(
                    f"first {scenario.role}: handler_ms={m['total']:.0f} (init={m['init']:.0f} "
                    f"invoke={m['invoke']:.0f}) bare_ms={m['bare_total']:.0f} (init={m['bare_init']:.0f} "
                    f"invoke={m['bare_invoke']:.0f}) ratio={m['total'] / m['bare_total']:.2f}",
                    flush=True,
                )
    finally:
        server.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
