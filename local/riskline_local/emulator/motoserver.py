"""moto in server mode, as a child process, with its Lambda data plane handed to the local runtime.

moto emulates the AWS control plane the project's Terraform applies (functions, aliases, event
source mappings, bucket notifications). Delivering events to functions is the local Lambda
runtime's job: moto's own delivery would start Docker containers (absent here) and, for DynamoDB
streams, drop the records it failed to deliver. So this entry point patches two things before
serving:

- event source mappings are recorded (Terraform reads them back) but not attached to their queue
  or table: the runtime's pollers read the mappings and deliver batches;
- S3 bucket notifications to a function go to the runtime's Lambda Invoke API as asynchronous
  (`Event`) invocations, with moto's own event body.

- bucket policies are stored and returned but not enforced on object requests: moto evaluates
  their conditions without the request's context (every condition key absent), so a `Deny` with an
  `...IfExists` condition (e.g. "uploads must name the bucket's KMS key") refuses compliant and
  non-compliant requests alike.

- S3 server access logs are not written: moto stores one log object per request to a logged bucket
  (S3 itself delivers them batched, best effort), so every lake read and write of a session became
  another versioned object in the access-log bucket, and emptying it made `terraform destroy` take
  about seven minutes (the bucket's logging configuration is still applied and read back).

Run: python -m riskline_local.emulator.motoserver --port P --lambda-endpoint http://127.0.0.1:Q
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .procs import LOOPBACK

log = logging.getLogger("riskline.moto")


def _detach_event_source_mappings() -> None:
    from moto.awslambda import models as lambda_models
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    original = lambda_models.LambdaBackend.create_event_source_mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        esm = original(self, spec)
        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            queue.lambda_event_source_mappings.pop(esm.function_arn, None)
        for table in dynamodb_backends[self.account_id][self.region_name].tables.values():
            table.lambda_event_source_mappings.pop(esm.function_arn, None)
        return esm

    lambda_models.LambdaBackend.create_event_source_mapping = create_event_source_mapping


def _stop_enforcing_bucket_policies() -> None:
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        return PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission


def _stop_per_request_access_logs() -> None:
    from moto.s3.models import S3Backend

    def log_incoming_request(self: Any, request: Any, bucket_name: str) -> None:
        return None

    S3Backend.log_incoming_request = log_incoming_request


def _forward_s3_notifications(lambda_endpoint: str) -> None:
    from moto.s3 import notifications

    def invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        threading.Thread(target=_post_event, args=(lambda_endpoint, fn_arn, event_body), daemon=True).start()

    notifications._invoke_awslambda = invoke


def _post_event(lambda_endpoint: str, fn_arn: str, event_body: Any, attempts: int = 60) -> None:
    """Asynchronous invoke (202), retried while the runtime is starting or busy."""
    url = f"{lambda_endpoint}/2015-03-31/functions/{urllib.parse.quote(fn_arn, safe='')}/invocations"
    data = json.dumps(event_body).encode()
    for _ in range(attempts):
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"X-Amz-Invocation-Type": "Event", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 202:
                    return
        except (urllib.error.URLError, OSError) as exc:
            log.warning("s3 notification to %s not accepted yet: %s", fn_arn, exc)
        time.sleep(0.5)
    log.error("s3 notification to %s dropped after %d attempts", fn_arn, attempts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lambda-endpoint", required=True, help="the local Lambda runtime's Invoke API base URL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise

    _detach_event_source_mappings()
    _stop_enforcing_bucket_policies()
    _stop_per_request_access_logs()
    _forward_s3_notifications(args.lambda_endpoint.rstrip("/"))

    from moto.moto_server.threaded_moto_server import MotoRequestHandler
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(LOOPBACK, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"moto listening on http://{LOOPBACK}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
