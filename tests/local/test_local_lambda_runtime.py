"""The local Lambda runtime against functions created in moto: invoke API, API Gateway front, pollers."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import boto3
import httpx
import pytest

from riskline_local.emulator.apigw import ApiGatewayFront, load_api_keys, load_routes
from riskline_local.emulator.lambda_api import LambdaInvokeFront
from riskline_local.emulator.lambda_runtime import LambdaRuntime, split_function_name
from riskline_local.emulator.procs import wait_until
from riskline_local.emulator.sqs_poller import SqsPoller
from riskline_local.emulator.stream_poller import StreamPoller

PROBE = """
import json, os, time
from urllib.parse import unquote_plus
import boto3

def echo(event, context):
    return {"event": event, "table": os.environ.get("TABLE"), "fn": context.function_name,
            "remaining_ok": context.get_remaining_time_in_millis() > 0,
            "endpoint": os.environ.get("AWS_ENDPOINT_URL")}

def fail(event, context):
    raise ValueError("bad things")

def slow(event, context):
    time.sleep(5)

def http(event, context):
    return {"statusCode": 201, "headers": {"X-Probe": "1"},
            "body": json.dumps({"path": event["path"], "params": event["pathParameters"],
                                "key": event["requestContext"]["identity"]["apiKeyId"],
                                "user": event["requestContext"]["identity"]["userArn"]})}

def stream(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["SEEN_TABLE"])
    failures = []
    for record in event["Records"]:
        assert record["eventSourceARN"].startswith("arn:aws:dynamodb")
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], (int, float))
        key = record["dynamodb"]["Keys"]["pk"]["S"]
        if key.startswith("poison") and not failures:
            marker = table.get_item(Key={"pk": "retried-" + key}).get("Item")
            if marker is None:
                table.put_item(Item={"pk": "retried-" + key})
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
                continue
        if failures:
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            continue
        table.update_item(Key={"pk": "seen-" + key}, UpdateExpression="ADD n :one",
                          ExpressionAttributeValues={":one": 1})
    return {"batchItemFailures": failures}

def s3(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["SEEN_TABLE"])
    for r in event["Records"]:
        table.put_item(Item={"pk": "s3-" + unquote_plus(r["s3"]["object"]["key"])})

def queue(event, context):
    failures = [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "fail"]
    table = boto3.resource("dynamodb").Table(os.environ["SEEN_TABLE"])
    for r in event["Records"]:
        if r["body"] != "fail":
            table.put_item(Item={"pk": "msg-" + r["body"]})
    return {"batchItemFailures": failures}
"""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", PROBE)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(moto_server, tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("runtime")
    code = _zip()
    dist = tmp / "dist"
    dist.mkdir()
    (dist / "probe.zip").write_bytes(code)
    lam = moto_server.client("lambda")
    iam = moto_server.client("iam")
    role = iam.create_role(RoleName="probe", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    ddb = moto_server.client("dynamodb")
    ddb.create_table(
        TableName="seen",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    source = ddb.create_table(
        TableName="source",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    env = {"Variables": {"TABLE": "apps", "SEEN_TABLE": "seen"}}
    for name, handler, timeout in [
        ("echo", "probe.echo", 3),
        ("fail", "probe.fail", 3),
        ("slow", "probe.slow", 1),
        ("http", "probe.http", 3),
        ("stream", "probe.stream", 10),
        ("queue", "probe.queue", 10),
        ("s3", "probe.s3", 10),
    ]:
        lam.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role,
            Handler=handler,
            Timeout=timeout,
            Code={"ZipFile": code},
            Environment=env,
            Publish=True,
        )
    lam.create_alias(FunctionName="echo", Name="live", FunctionVersion="1")
    sqs = moto_server.client("sqs")
    queue_url = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stream_mapping = lam.create_event_source_mapping(
        EventSourceArn=source["LatestStreamArn"],
        FunctionName="stream",
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    queue_mapping = lam.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName="queue", BatchSize=10, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    runtime = LambdaRuntime(
        lam,
        endpoints={"AWS_ENDPOINT_URL": moto_server.url},
        dist_dir=dist,
        work_dir=tmp / "work",
        log_dir=tmp / "logs",
        default_max_workers=2,
    )
    front = LambdaInvokeFront(runtime, port=moto_server.lambda_port)
    front.start()
    client = boto3.client("lambda", endpoint_url=front.url, region_name="us-east-1")
    yield {
        "runtime": runtime,
        "front": front,
        "client": client,
        "moto": moto_server,
        "tmp": tmp,
        "stream_mapping": stream_mapping,
        "queue_mapping": queue_mapping,
        "queue_url": queue_url,
    }
    front.stop()
    runtime.close()


def test_function_names_arns_and_aliases_split_like_lambda():
    assert split_function_name("fn") == ("fn", None)
    assert split_function_name("fn:live") == ("fn", "live")
    assert split_function_name("arn:aws:lambda:us-east-1:123456789012:function:fn:live") == ("fn", "live")
    assert split_function_name("123456789012:function:fn", "7") == ("fn", "7")


def test_invoke_runs_the_deployed_code_with_its_own_environment(world):
    answer = world["client"].invoke(FunctionName="echo:live", Payload=json.dumps({"x": 1}))
    assert "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "1"
    body = json.loads(answer["Payload"].read())
    assert body == {
        "event": {"x": 1},
        "table": "apps",
        "fn": "echo",
        "remaining_ok": True,
        "endpoint": world["moto"].url,
    }


def test_handler_errors_timeouts_and_unknown_functions_answer_as_lambda_does(world):
    client = world["client"]
    failed = client.invoke(FunctionName="fail", Payload=b"{}")
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"
    timed_out = client.invoke(FunctionName="slow", Payload=b"{}")
    assert timed_out["FunctionError"] == "Unhandled"
    assert "Task timed out" in json.loads(timed_out["Payload"].read())["errorMessage"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="nope", Payload=b"{}")
    assert client.invoke(FunctionName="echo", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202


def test_a_crashed_environment_fails_the_invocation_and_is_replaced(world):
    runtime = world["runtime"]
    target = runtime.resolve("echo")
    runtime.crash_hook = lambda name, event: event.get("crash") is True
    try:
        crashed = runtime.invoke(target, json.dumps({"crash": True}))
        assert crashed.function_error == "Unhandled"
        assert json.loads(crashed.payload)["errorType"] == "Runtime.ExitError"
        assert runtime.invoke(target, json.dumps({"crash": False})).function_error is None
    finally:
        runtime.crash_hook = None


def test_api_gateway_front_checks_keys_and_builds_proxy_events(world):
    moto = world["moto"]
    apigw = moto.client("apigateway")
    api = apigw.create_rest_api(name="probe")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apps = apigw.create_resource(restApiId=api, parentId=root, pathPart="applications")["id"]
    one = apigw.create_resource(restApiId=api, parentId=apps, pathPart="{application_id}")["id"]
    audit = apigw.create_resource(restApiId=api, parentId=one, pathPart="audit")["id"]
    fn_arn = "arn:aws:lambda:us-east-1:123456789012:function:http"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn_arn}/invocations"
    for resource, verb in [(apps, "POST"), (audit, "PUT")]:
        apigw.put_method(
            restApiId=api, resourceId=resource, httpMethod=verb, authorizationType="NONE", apiKeyRequired=True
        )
        apigw.put_integration(
            restApiId=api, resourceId=resource, httpMethod=verb, type="AWS_PROXY", integrationHttpMethod="POST", uri=uri
        )
    apigw.create_deployment(restApiId=api, stageName="local")
    key = apigw.create_api_key(name="webform", enabled=True, value="k" * 30)
    plan = apigw.create_usage_plan(name="p", apiStages=[{"apiId": api, "stage": "local"}])
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    front = ApiGatewayFront(
        world["runtime"],
        rest_api_id=api,
        stage="local",
        routes=load_routes(apigw, api),
        api_keys=load_api_keys(apigw, api, "local"),
    )
    front.start()
    try:
        ok = httpx.put(f"{front.base_url}/applications/abc123/audit", headers={"x-api-key": "k" * 30}, json={})
        assert ok.status_code == 201
        assert ok.headers["X-Probe"] == "1"
        assert ok.json() == {
            "path": "/applications/abc123/audit",
            "params": {"application_id": "abc123"},
            "key": key["id"],
            "user": None,
        }
        assert httpx.post(f"{front.base_url}/applications", json={}).status_code == 403
        assert httpx.post(f"{front.base_url}/applications", headers={"x-api-key": "wrong"}).status_code == 403
        assert httpx.get(f"{front.base_url}/nowhere", headers={"x-api-key": "k" * 30}).status_code == 403
    finally:
        front.stop()


def test_stream_poller_redelivers_from_the_first_failed_record(world):
    moto = world["moto"]
    source = moto.client("dynamodb")
    for key in ["a", "b", "poison-c", "d"]:
        source.put_item(TableName="source", Item={"pk": {"S": key}})
    poller = StreamPoller(
        streams_client=moto.client("dynamodbstreams"),
        sqs_client=moto.client("sqs"),
        runtime=world["runtime"],
        mapping=world["stream_mapping"],
    )
    poller.start()
    try:
        wait_until(lambda: poller.delivered >= 4 and poller.idle(), timeout=60, what="stream drained")
    finally:
        poller.stop()
    seen = moto.client("dynamodb")
    counts = {
        k: seen.get_item(TableName="seen", Key={"pk": {"S": f"seen-{k}"}}).get("Item")
        for k in ["a", "b", "poison-c", "d"]
    }
    assert {k: int(v["n"]["N"]) for k, v in counts.items()} == {"a": 1, "b": 1, "poison-c": 1, "d": 1}
    assert poller.retries >= 1


def test_sqs_poller_deletes_only_succeeded_messages(world):
    moto = world["moto"]
    sqs = moto.client("sqs")
    for body in ["one", "fail", "two"]:
        sqs.send_message(QueueUrl=world["queue_url"], MessageBody=body)
    poller = SqsPoller(sqs_client=sqs, runtime=world["runtime"], mapping=world["queue_mapping"], retry_base_s=1)
    poller.start()
    try:
        wait_until(lambda: poller.succeeded >= 2 and poller.failed >= 2, timeout=60, what="a failed message retried")
    finally:
        poller.stop()
    seen = moto.client("dynamodb")
    assert seen.get_item(TableName="seen", Key={"pk": {"S": "msg-one"}}).get("Item")
    assert seen.get_item(TableName="seen", Key={"pk": {"S": "msg-two"}}).get("Item")


def test_s3_notifications_reach_the_function_asynchronously(world):
    moto = world["moto"]
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="mailroom")
    s3.put_bucket_notification_configuration(
        Bucket="mailroom",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:s3",
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}},
                }
            ]
        },
    )
    s3.put_object(Bucket="mailroom", Key="incoming/batch.csv", Body=b"a,b\n")
    s3.put_object(Bucket="mailroom", Key="elsewhere/ignored.csv", Body=b"a,b\n")
    seen = moto.client("dynamodb")
    wait_until(
        lambda: seen.get_item(TableName="seen", Key={"pk": {"S": "s3-incoming/batch.csv"}}).get("Item"),
        timeout=60,
        what="the s3 event delivered",
    )
    assert not seen.get_item(TableName="seen", Key={"pk": {"S": "s3-elsewhere/ignored.csv"}}).get("Item")


def test_the_local_s3_keeps_its_logging_configuration_but_writes_no_log_object_per_request(moto_server):
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket="logged-lake")
    s3.create_bucket(Bucket="logged-lake-access-logs")
    delivery = "uri=http://acs.amazonaws.com/groups/s3/LogDelivery"
    s3.put_bucket_acl(Bucket="logged-lake-access-logs", GrantWrite=delivery, GrantReadACP=delivery)
    s3.put_bucket_logging(
        Bucket="logged-lake",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "logged-lake-access-logs", "TargetPrefix": "s3/"}},
    )
    for n in range(5):
        s3.put_object(Bucket="logged-lake", Key=f"k{n}", Body=b"x")
        s3.get_object(Bucket="logged-lake", Key=f"k{n}")

    enabled = s3.get_bucket_logging(Bucket="logged-lake")["LoggingEnabled"]
    assert enabled["TargetBucket"] == "logged-lake-access-logs"
    assert s3.list_objects_v2(Bucket="logged-lake-access-logs")["KeyCount"] == 0


def test_api_gateway_front_requires_a_valid_sigv4_signature_on_aws_iam_methods(world):
    from riskline_local.emulator.sigv4 import Signer, sign

    apigw = world["moto"].client("apigateway")
    api = apigw.create_rest_api(name="signed")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apps = apigw.create_resource(restApiId=api, parentId=root, pathPart="applications")["id"]
    one = apigw.create_resource(restApiId=api, parentId=apps, pathPart="{application_id}")["id"]
    audit = apigw.create_resource(restApiId=api, parentId=one, pathPart="audit")["id"]
    fn_arn = "arn:aws:lambda:us-east-1:123456789012:function:http"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn_arn}/invocations"
    apigw.put_method(restApiId=api, resourceId=audit, httpMethod="PUT", authorizationType="AWS_IAM")
    apigw.put_integration(
        restApiId=api, resourceId=audit, httpMethod="PUT", type="AWS_PROXY", integrationHttpMethod="POST", uri=uri
    )
    apigw.create_deployment(restApiId=api, stageName="local")
    front = ApiGatewayFront(
        world["runtime"], rest_api_id=api, stage="local", routes=load_routes(apigw, api), api_keys={}
    )
    auditor = Signer("AKIAAUDITOR0000007", "s3cret", "arn:aws:iam::123456789012:user/auditor-07", "AIDAAUDITOR07")
    front.credentials.add(auditor)
    front.start()
    try:
        url = f"{front.base_url}/applications/abc123/audit"
        body = b'{"outcome": "accept"}'
        unsigned = httpx.put(url, content=body, headers={"Content-Type": "application/json"})
        assert unsigned.status_code == 403 and unsigned.json() == {"message": "Missing Authentication Token"}
        headers = sign("PUT", url, body, {"Content-Type": "application/json"}, auditor, "us-east-1")
        ok = httpx.put(url, content=body, headers=headers)
        assert ok.status_code == 201
        assert ok.json()["user"] == "arn:aws:iam::123456789012:user/auditor-07"
        forged = Signer(auditor.access_key, "not-the-secret", auditor.principal_arn, auditor.user_id)
        headers = sign("PUT", url, body, {"Content-Type": "application/json"}, forged, "us-east-1")
        refused = httpx.put(url, content=body, headers=headers)
        assert refused.status_code == 403 and refused.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    finally:
        front.stop()
